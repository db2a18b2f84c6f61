import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { Field } from '../components/Field';
import { Pager, usePager } from '../components/Pager';
import { formatTime, Page, TableScroll } from '../components/Page';
import { ProblemAlert } from '../components/ProblemAlert';
import { isoOrUndefined } from './Labs';

const EMPTY = { action: '', subjectType: '', subjectId: '', actorId: '', since: '', until: '' };

export function AuditPage() {
  const pager = usePager();
  const [draft, setDraft] = useState(EMPTY);
  const [filters, setFilters] = useState(EMPTY);
  const audit = useQuery({
    queryKey: ['audit', filters, pager.cursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/v1/audit', {
          params: {
            query: {
              limit: 50,
              cursor: pager.cursor,
              sort: '-createdAt',
              action: filters.action.trim() || undefined,
              subjectType: filters.subjectType.trim() || undefined,
              subjectId: filters.subjectId.trim() || undefined,
              actorId: filters.actorId.trim() || undefined,
              since: isoOrUndefined(filters.since),
              until: isoOrUndefined(filters.until),
            },
          },
        }),
      ),
  });
  const problem = audit.error ? asProblem(audit.error) : null;
  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: e.target.value });
  return (
    <Page title="Audit log">
      <form
        className="card filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          pager.reset();
        }}
      >
        <Field
          label="Action"
          name="action"
          value={draft.action}
          onChange={set('action')}
          problem={problem}
          placeholder="lab.started"
        />
        <Field
          label="Subject type"
          name="subjectType"
          value={draft.subjectType}
          onChange={set('subjectType')}
          problem={problem}
          placeholder="lab"
        />
        <Field
          label="Subject id"
          name="subjectId"
          value={draft.subjectId}
          onChange={set('subjectId')}
          problem={problem}
        />
        <Field label="Actor id" name="actorId" value={draft.actorId} onChange={set('actorId')} problem={problem} />
        <Field
          label="Since"
          name="since"
          type="datetime-local"
          value={draft.since}
          onChange={set('since')}
          problem={problem}
        />
        <Field
          label="Until"
          name="until"
          type="datetime-local"
          value={draft.until}
          onChange={set('until')}
          problem={problem}
        />
        <div className="actions">
          <button type="submit" className="primary">
            Filter
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              pager.reset();
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <section className="card" aria-labelledby="audit-events">
        <h2 id="audit-events">Events</h2>
        <ProblemAlert problem={problem} shown={Object.keys(EMPTY)} />
        {audit.isLoading && <p role="status">Loading…</p>}
        {audit.data && audit.data.items.length === 0 && <p>No events match.</p>}
        {audit.data && audit.data.items.length > 0 && (
          <TableScroll label="Audit events">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Summary</th>
                </tr>
              </thead>
              <tbody>
                {audit.data.items.map((e) => (
                  <tr key={e.id}>
                    <td>{formatTime(e.createdAt)}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>
                      {e.subjectType}
                      {e.subjectId && (
                        <>
                          <br />
                          <code className="muted">{e.subjectId}</code>
                        </>
                      )}
                    </td>
                    <td>
                      {e.actorType}
                      {e.actorId && (
                        <>
                          <br />
                          <code className="muted">{e.actorId}</code>
                        </>
                      )}
                    </td>
                    <td>
                      <code className="summary">{JSON.stringify(e.summary)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Pager pager={pager} nextCursor={audit.data?.nextCursor} label="Audit events" />
      </section>
    </Page>
  );
}
