import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import type { ApiProblem } from '../api/problem';

interface FieldProps {
  label: string;
  /** The api's name for this field (`errors[].field`). */
  name: string;
  problem?: ApiProblem | null;
  hint?: ReactNode;
}

function FieldErrors({ id, messages }: { id: string; messages: string[] }) {
  if (!messages.length) return null;
  return (
    <div id={id} className="field-error">
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}

/** A labelled input with its hint and the api's messages for its field. */
export function Field({ label, name, problem, hint, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const messages = problem?.messagesFor(name) ?? [];
  const described =
    [hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const checkbox = input.type === 'checkbox';
  const control = (
    <input
      id={id}
      name={name}
      aria-invalid={messages.length > 0 || undefined}
      aria-describedby={described}
      {...input}
    />
  );
  return (
    <div className={checkbox ? 'field checkbox' : 'field'}>
      {checkbox ? control : null}
      <label htmlFor={id}>{label}</label>
      {hint && (
        <div id={`${id}-hint`} className="hint">
          {hint}
        </div>
      )}
      {checkbox ? null : control}
      <FieldErrors id={`${id}-error`} messages={messages} />
    </div>
  );
}

export function SelectField({
  label,
  name,
  problem,
  hint,
  children,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  const messages = problem?.messagesFor(name) ?? [];
  const described =
    [hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <div id={`${id}-hint`} className="hint">
          {hint}
        </div>
      )}
      <select
        id={id}
        name={name}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={described}
        {...select}
      >
        {children}
      </select>
      <FieldErrors id={`${id}-error`} messages={messages} />
    </div>
  );
}
