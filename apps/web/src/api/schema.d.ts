/**
 * Generated from the api's OpenAPI document by `npm run web:api-types`; do not edit by hand.
 * apps/api/src/openapi/web-client-types.spec.ts fails when this file and the document differ.
 */

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_check"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oidc/.well-known/openid-configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["OidcController_discovery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oidc/jwks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["OidcController_jwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/account/mfa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["AccountController_disableMfa"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/account/mfa/enrolment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start enrolling an authenticator app (TOTP); confirm with its first code. */
        post: operations["AccountController_startEnrolment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/account/mfa/enrolment/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AccountController_confirmEnrolment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/account/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AccountController_changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/account/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AccountController_listTokens"];
        put?: never;
        post: operations["AccountController_issueToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/account/tokens/{tokenId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["AccountController_revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AuditController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/invitations/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set a password through an invitation link (once) and sign in. */
        post: operations["AuthController_accept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/invitations/inspect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AuthController_inspect"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/mfa/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Give the second factor (a TOTP code or a recovery code); the session id and CSRF token are replaced. */
        post: operations["AuthController_verify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AuthController_session"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with email and password; sets the session cookie (a new id each time). */
        post: operations["AuthController_signIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AuthController_signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sign-out-everywhere": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AuthController_signOutEverywhere"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sso/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The redirect URI to register at the school's provider */
        get: operations["SsoController_callback"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sso/cli/exchange": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The CLI exchanges the loopback's one-time code (with its verifier) for a student token */
        post: operations["SsoController_exchange"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sso/start/{tenantId}/{providerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Starts a sign-in: redirects to the provider (authorization code + PKCE, state, nonce; 10 minutes, once) */
        get: operations["SsoController_start"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sso/tenants/{tenantId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tenant's sign-in options: its name, whether passwords work, its identity providers */
        get: operations["SsoController_options"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/step-up": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A fresh TOTP code: allows connection, lab-revocation, instructor and tenant changes from this session for 15 minutes. */
        post: operations["AuthController_stepUp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ConnectionsController_list"];
        put?: never;
        /** Create a connection; LabKeys generates its external id. */
        post: operations["ConnectionsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connections/{connectionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ConnectionsController_get"];
        put?: never;
        post?: never;
        delete: operations["ConnectionsController_remove"];
        options?: never;
        head?: never;
        /** Update a connection; changing a role, the region or the endpoint clears its verification. */
        patch: operations["ConnectionsController_update"];
        trace?: never;
    };
    "/v1/connections/{connectionId}/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the AWS administrator creates: trust and management policies as JSON, Terraform and CloudFormation. */
        get: operations["ConnectionsController_setup"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connections/{connectionId}/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check the connection is safe to use: lab role trust with the external id (and refused without it or with a wrong one), the management role's inline-policy access on the lab role, MaxSessionDuration and role chaining. The outcome is kept: labs cannot start on a connection whose last verify failed. */
        post: operations["ConnectionsController_verify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CoursesController_list"];
        put?: never;
        post: operations["CoursesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{courseId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CoursesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: operations["CoursesController_update"];
        trace?: never;
    };
    "/v1/courses/{courseId}/access-links/email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Email the course's students their access links
         * @description Each emailed student gets a fresh link (the previous one stops working). `only: unsent` (default) skips students whose link was emailed or is on its way.
         */
        post: operations["AccessLinkEmailsController_emailAll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{courseId}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Archive a course
         * @description Idempotent. Archived courses refuse imports; existing enrollments stay.
         */
        post: operations["CoursesController_archive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{courseId}/enrollments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["EnrollmentsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{courseId}/enrollments/{enrollmentId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Unenroll a student
         * @description Idempotent. The student's access link stops working at once.
         */
        delete: operations["EnrollmentsController_unenroll"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{courseId}/enrollments/{enrollmentId}/access-link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue a new access link
         * @description The previous link stops working at once. The raw token is in this answer only.
         */
        post: operations["EnrollmentsController_reissue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{courseId}/enrollments/{enrollmentId}/access-link/email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Email the student a new access link
         * @description The previous link stops working at once; the email is queued and retried. Its state shows in the roster (`email`).
         */
        post: operations["EnrollmentsController_emailOne"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{courseId}/students": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import students into a course (JSON)
         * @description Idempotent by email within the tenant: creates missing students, enrolls those not enrolled (an unenrolled student is re-enrolled with a new link), leaves the rest. All or nothing. `accessLinks` lists only enrollments that received a new token in this request; raw tokens are never shown again. An email may appear once per import. Entries are named `students[i].email`.
         */
        post: operations["RosterImportController_importJson"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{courseId}/students/csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import students into a course (CSV upload)
         * @description Idempotent by email within the tenant: creates missing students, enrolls those not enrolled (an unenrolled student is re-enrolled with a new link), leaves the rest. All or nothing. `accessLinks` lists only enrollments that received a new token in this request; raw tokens are never shown again. An email may appear once per import.
         *
         *     CSV: UTF-8 (a BOM is fine), comma-separated, CRLF or LF. The header row names an `email` column and optionally a `displayName` column (case-insensitive; `display_name` and `name` also work). Other columns are ignored and never stored. At most 5000 rows and 5 MB. Row problems are named `rows[i].email` (i counts data rows from 0); file-level problems are named `file`.
         */
        post: operations["RosterImportController_importCsv"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/courses/{courseId}/unarchive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Unarchive a course
         * @description Idempotent.
         */
        post: operations["CoursesController_unarchive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identity-providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["IdentityProvidersController_list"];
        put?: never;
        /** Add a school identity provider; its discovery document is read first. The client secret is sealed. */
        post: operations["IdentityProvidersController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identity-providers/{providerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["IdentityProvidersController_get"];
        put?: never;
        post?: never;
        delete: operations["IdentityProvidersController_remove"];
        options?: never;
        head?: never;
        patch: operations["IdentityProvidersController_update"];
        trace?: never;
    };
    "/v1/identity-providers/{providerId}/test-sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Starts a test sign-in in this browser: open `authorizationUrl`; what the provider returned (claims, no tokens) is then kept as `lastTest`. */
        post: operations["IdentityProvidersController_testSignIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/instructors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["InstructorsController_list"];
        put?: never;
        post: operations["InstructorsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/instructors/{instructorId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["InstructorsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: operations["InstructorsController_update"];
        trace?: never;
    };
    "/v1/instructors/{instructorId}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["InstructorsController_issueToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["InvitationsController_list"];
        put?: never;
        post: operations["InvitationsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invitations/{invitationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["InvitationsController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/labs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["LabsController_list"];
        put?: never;
        /** Schedule a lab for a course with a role template; it starts manually or at startsAt. */
        post: operations["LabsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/labs/{labId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["LabsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change a lab while it is SCHEDULED. */
        patch: operations["LabsController_update"];
        trace?: never;
    };
    "/v1/labs/{labId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a SCHEDULED lab. */
        post: operations["LabsController_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/labs/{labId}/end": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End a running lab now: no more renewals, every live session ended (issued ones denied lab-wide). */
        post: operations["RevocationsController_end"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/labs/{labId}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["LabSessionsController_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/labs/{labId}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke every live session of the lab (one lab-wide deny on the lab role). */
        post: operations["RevocationsController_revokeLab"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/labs/{labId}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["LabSessionsController_sessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/labs/{labId}/sessions/{sessionId}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke one session (and the successor a renewal may have started for it). */
        post: operations["RevocationsController_revokeSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/labs/{labId}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["LabSessionsController_start"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["StudentController_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The course, the current lab session and its status (waiting, ready, renewing, expired, revoked, failed) */
        get: operations["StudentController_session"];
        put?: never;
        /**
         * Exchanges the access token (bearer) for the student page's session cookie
         * @description Sets `lks_session` (HttpOnly, SameSite=Strict, Path=/v1/me, Secure when PUBLIC_URL is https), accepted wherever the token is, while the token still works. With the cookie already, answers the session as it is.
         */
        post: operations["StudentController_startSession"];
        /** Signs the student page out: ends its session and clears the cookie (the access link itself keeps working) */
        delete: operations["StudentController_endSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/sessions/current": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["StudentController_current"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/sessions/current/console": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["StudentController_console"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/sso/choice": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Work in this course from now on (credentials, console and stream follow it) */
        post: operations["StudentSsoController_choose"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/sso/labs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The courses the student is in, each with its scheduled and running labs */
        get: operations["StudentSsoController_labs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/sso/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Signs out of LabKeys (the school sign-in session): the cookie or CLI token stops working */
        delete: operations["StudentSsoController_signOut"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/students": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List students
         * @description Students are created by importing a roster into a course.
         */
        get: operations["StudentsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/students/{studentId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["StudentsController_get"];
        put?: never;
        post?: never;
        /**
         * Delete a student
         * @description Ends every enrollment (links stop working at once), revokes every live session, erases the email and name. Idempotent.
         */
        delete: operations["StudentsController_remove"];
        options?: never;
        head?: never;
        patch: operations["StudentsController_update"];
        trace?: never;
    };
    "/v1/students/{studentId}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke the student's live sessions in every lab. */
        post: operations["RevocationsController_revokeStudent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TemplatesController_list"];
        put?: never;
        /** Create a role template; every violation comes back in `errors`, each naming its field. */
        post: operations["TemplatesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/templates/{templateId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TemplatesController_get"];
        put?: never;
        post?: never;
        delete: operations["TemplatesController_remove"];
        options?: never;
        head?: never;
        /** Update a role template; the result is validated as a whole. */
        patch: operations["TemplatesController_update"];
        trace?: never;
    };
    "/v1/templates/{templateId}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The exact AssumeRole parameters for one student (no AWS call, no credentials). */
        post: operations["TemplatesController_preview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenant": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TenantController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: operations["TenantController_update"];
        trace?: never;
    };
    "/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["InstructorsController_listTokens"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens/{tokenId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["InstructorsController_revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AcceptInvitationDto: {
            /** @example Ada Lovelace */
            name?: string;
            /** Format: password */
            password: string;
            /** @description The part of the invitation link after `#`. */
            token: string;
        };
        AccessLinkDto: {
            /**
             * @description The token travels in the fragment, which browsers never send to servers.
             * @example https://labkeys.example.edu/student#token=lks_…
             */
            accessLink: string;
            /** @description Raw student access token (lks_…). Shown once; LabKeys keeps only its hash. */
            accessToken: string;
            email: string;
            enrollmentId: string;
            studentId: string;
        };
        AccessLinkEmailDto: {
            attempts: number;
            /** @description The SMTP server's answer to the last failed attempt. */
            error?: string | null;
            /** Format: date-time */
            queuedAt: string;
            /** Format: date-time */
            sentAt?: string | null;
            /**
             * @description FAILED is retried with backoff; SUPERSEDED: a newer link replaced it before it went out.
             * @enum {string}
             */
            state: "QUEUED" | "SENT" | "FAILED" | "SUPERSEDED";
        };
        ApiTokenDto: {
            /** Format: date-time */
            createdAt: string;
            /** @description First characters of the token, for recognising it. */
            displayPrefix: string;
            /** Format: date-time */
            expiresAt?: string | null;
            id: string;
            instructorId: string;
            /** Format: date-time */
            lastUsedAt?: string | null;
            name: string;
            /** Format: date-time */
            revokedAt?: string | null;
        };
        ApiTokenPageDto: {
            items: components["schemas"]["ApiTokenDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        AuditEventDto: {
            action: string;
            actorId?: string | null;
            /** @example instructor */
            actorType: string;
            /** Format: date-time */
            createdAt: string;
            id: string;
            requestId?: string | null;
            subjectId?: string | null;
            subjectType: string;
            summary: {
                [key: string]: unknown;
            };
        };
        AuditPageDto: {
            items: components["schemas"]["AuditEventDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        AwsCheckDto: {
            /**
             * @description AWS's error code, exactly as AWS sent it.
             * @example AccessDenied
             */
            code?: string;
            /** @description AWS's error message, exactly as AWS sent it. */
            message?: string;
            ok: boolean;
        };
        ChangePasswordDto: {
            /** Format: password */
            currentPassword: string;
            /** Format: password */
            newPassword: string;
        };
        ChooseEnrollmentDto: {
            /** @description The enrollment (course) to work in, from GET /v1/me/sso/labs. */
            enrollmentId: string;
        };
        CliCredentialDto: {
            /** Format: date-time */
            expiresAt: string;
            /** @description A bearer token (lkc_…) for the student API; keep it like a password. */
            token: string;
        };
        CliExchangeDto: {
            /** @description The one-time code LabKeys sent to the loopback listener. */
            code: string;
            /** @description The verifier whose SHA-256 the CLI sent when it started. */
            verifier: string;
        };
        CloudFormationDto: {
            /** @description The template as JSON. */
            json: {
                [key: string]: unknown;
            };
            /** @description The same template as YAML. */
            yaml: string;
        };
        ConnectionDto: {
            accountId: string;
            /** Format: date-time */
            createdAt: string;
            endpointOverride?: string | null;
            /** @description Generated by LabKeys; the lab role's trust policy requires it (assumeRole mode). */
            externalId: string;
            id: string;
            labRoleArn?: string | null;
            /**
             * Format: date-time
             * @description When verify last ran (passed or not).
             */
            lastVerifiedAt?: string | null;
            /** @description What the last verify found wrong. */
            lastVerifyFailures?: components["schemas"]["VerifyFailureDto"][] | null;
            /** @description The last verify's outcome; false blocks starting labs on this connection (409). Null: not verified since the last change. */
            lastVerifyOk?: boolean | null;
            managementRoleArn?: string | null;
            /** @description The lab role's MaxSessionDuration, from the last verification. */
            maxSessionSeconds?: number | null;
            /**
             * @description assumeRole: LabKeys assumes the roles with its own AWS identity and the external id. webIdentity: the account trusts LabKeys as an OpenID Connect provider (PUBLIC_URL/oidc) and LabKeys holds no AWS key (AssumeRoleWithWebIdentity). Fixed once created.
             * @enum {string}
             */
            mode: "assumeRole" | "webIdentity";
            name: string;
            /** @enum {string} */
            partition: "aws" | "aws-us-gov" | "aws-cn";
            region: string;
            /** @description LabKeys' identity is an assumed role: sessions are capped at 3600 s. */
            roleChaining?: boolean | null;
            /** Format: date-time */
            updatedAt: string;
            /**
             * Format: date-time
             * @description When the last verify passed; null when it failed or has not run since the last role, endpoint or region change.
             */
            verifiedAt?: string | null;
        };
        ConnectionPageDto: {
            items: components["schemas"]["ConnectionDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        ConnectionSetupDto: {
            cloudFormation: components["schemas"]["CloudFormationDto"];
            /** @description Required by the trust policies in assumeRole mode; null in webIdentity mode (the sub condition scopes the trust to this tenant). */
            externalId?: string | null;
            /** @description The principal the trust policies allow: LabKeys' AWS principal (assumeRole) or the account's OIDC provider for LabKeys (webIdentity). */
            labkeysPrincipalArn: string;
            labRole: components["schemas"]["SetupLabRoleDto"];
            managementRole: components["schemas"]["SetupManagementRoleDto"];
            /** @enum {string} */
            mode: "assumeRole" | "webIdentity";
            /** @description webIdentity mode: the IAM OIDC provider to create. */
            oidcProvider?: components["schemas"]["OidcProviderSetupDto"];
            /** @description Terraform (HCL) for both roles. */
            terraform: string;
        };
        ConsoleLinkDto: {
            /** @description A single-use link (five minutes) that opens the AWS console in a browser. */
            url: string;
        };
        CourseDto: {
            /** @description Students currently enrolled. */
            activeEnrollments: number;
            /**
             * Format: date-time
             * @description Archived courses refuse new enrollments and their access links do not work.
             */
            archivedAt?: string | null;
            /** @example CS-101 */
            code: string;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description Students' access links stop working at the course's end.
             */
            endsAt?: string | null;
            id: string;
            /** @example Cloud Foundations */
            title: string;
            /** Format: date-time */
            updatedAt: string;
        };
        CoursePageDto: {
            items: components["schemas"]["CourseDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        CreateAccountTokenDto: {
            /** @description The token stops working this many days from now; never when left out. */
            expiresInDays?: number;
            /** @example laptop */
            name: string;
        };
        CreateApiTokenDto: {
            /** @description ISO-8601 time after which the token stops working. */
            expiresAt?: string;
            /** @example laptop */
            name: string;
        };
        CreateConnectionDto: {
            /**
             * @description The 12-digit AWS account id.
             * @example 123456789012
             */
            accountId: string;
            /**
             * @description Local AWS endpoint (development and tests only); real AWS when unset.
             * @example http://127.0.0.1:4566
             */
            endpointOverride?: string;
            /**
             * @description Role students' sessions are issued on; must be in this account and partition.
             * @example arn:aws:iam::123456789012:role/LabKeysLab
             */
            labRoleArn?: string;
            /**
             * @description Role LabKeys assumes for revocation (IAM inline policies on the lab role).
             * @example arn:aws:iam::123456789012:role/LabKeysManagement
             */
            managementRoleArn?: string;
            /**
             * @description assumeRole: LabKeys assumes the roles with its own AWS identity and the external id. webIdentity: the account trusts LabKeys as an OpenID Connect provider (PUBLIC_URL/oidc) and LabKeys holds no AWS key (AssumeRoleWithWebIdentity). Fixed once created.
             * @default assumeRole
             * @enum {string}
             */
            mode: "assumeRole" | "webIdentity";
            /** @example Teaching account */
            name: string;
            /**
             * @default aws
             * @enum {string}
             */
            partition: "aws" | "aws-us-gov" | "aws-cn";
            /** @example eu-west-1 */
            region: string;
        };
        CreateCourseDto: {
            /**
             * @description Unique in the tenant; appears in IAM policies and tags.
             * @example CS-101
             */
            code: string;
            /**
             * Format: date-time
             * @description When the course ends: students' access links stop working then. Without it a link works STUDENT_TOKEN_LIFETIME_DAYS (180) after it was issued.
             */
            endsAt?: string | null;
            /** @example Cloud Foundations */
            title: string;
        };
        CreateIdentityProviderDto: {
            /**
             * @description Only verified emails of these domains may sign in; empty = any verified email of the provider.
             * @example [
             *       "example.edu"
             *     ]
             */
            allowedDomains?: string[];
            /**
             * @description Who may sign in with it: instructors (the dashboard), students (the student page and CLI), or both.
             * @default both
             * @enum {string}
             */
            audience: "instructors" | "students" | "both";
            /** @description The client id the school registered for LabKeys. */
            clientId: string;
            /**
             * Format: password
             * @description Sealed at rest; never returned.
             */
            clientSecret: string;
            /**
             * @description Shown on the sign-in button: "Sign in with …".
             * @example Example University
             */
            displayName: string;
            /**
             * @description The ID token claim that carries the email.
             * @default email
             */
            emailClaim: string;
            /** @default true */
            enabled: boolean;
            /**
             * @description The provider's issuer URL; LabKeys reads `<issuer>/.well-known/openid-configuration`. https (plain http only for a provider on this machine).
             * @example https://accounts.google.com
             */
            issuer: string;
        };
        CreateInstructorDto: {
            /** @example ada@example.edu */
            email: string;
            /** @example Ada Lovelace */
            name?: string;
            /**
             * @default INSTRUCTOR
             * @enum {string}
             */
            role: "OWNER" | "INSTRUCTOR" | "ASSISTANT";
        };
        CreateInvitationDto: {
            /** @example grace@example.edu */
            email: string;
            /** @enum {string} */
            role: "OWNER" | "INSTRUCTOR" | "ASSISTANT";
        };
        CreateLabDto: {
            /**
             * @description Issue a successor session ahead of expiry while the lab runs.
             * @default false
             */
            autoRenew: boolean;
            /** Format: uuid */
            courseId: string;
            /**
             * Format: date-time
             * @description Automatic end; after startsAt.
             */
            endsAt?: string;
            /** @example Lab 3: S3 permissions */
            name: string;
            /** @description Default: the template's duration. At most the role's MaxSessionDuration, and 3600 under role chaining. */
            sessionDurationSeconds?: number;
            /**
             * Format: date-time
             * @description Automatic start; manual start only when omitted. Not in the past.
             */
            startsAt?: string;
            /** Format: uuid */
            templateId: string;
        };
        CreateTemplateDto: {
            /**
             * @description Adds a deny on aws:RequestedRegion outside these.
             * @example [
             *       "eu-west-1"
             *     ]
             */
            allowedRegions?: string[];
            /** Format: uuid */
            connectionId: string;
            /** @example https://console.aws.amazon.com/s3/home */
            consoleDestination?: string | null;
            /**
             * @description 900–43200 and within the role's MaxSessionDuration when known.
             * @example 3600
             */
            durationSeconds: number;
            /**
             * @example [
             *       "arn:aws:iam::aws:policy/ReadOnlyAccess"
             *     ]
             */
            managedPolicyArns?: string[];
            /** @example S3 basics */
            name: string;
            /** @example arn:aws:iam::123456789012:role/LabKeysLab */
            roleArn: string;
            /**
             * @description Session policy: IAM policy JSON (as a string) with placeholders such as {{student.handle}}, {{course.code}}, {{lab.id}}, {{session.id}}, {{region}}.
             * @example {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:{{partition}}:s3:::labs-{{course.code}}/{{student.handle}}/*"}]}
             */
            sessionPolicyTemplate?: string | null;
            /** @description Up to 47 (LabKeys adds labkeys:tenant, labkeys:lab, labkeys:session). */
            sessionTags?: components["schemas"]["SessionTagDto"][];
            transitiveTagKeys?: string[];
        };
        EmailAccessLinksDto: {
            /**
             * @description unsent: students whose link was never emailed (or whose last email failed); all: every current student. Said explicitly: every emailed student gets a new link.
             * @enum {string}
             */
            only: "unsent" | "all";
        };
        EmailedAccessLinksDto: {
            deliveryIds: string[];
            /** @description Emails queued; each student got a fresh link and their previous one stopped working. */
            queued: number;
        };
        EndLabResultDto: {
            labId: string;
            /** @description Sessions ended at once: they had not been issued, so there was nothing to deny. */
            revoked: number;
            /** @description Sessions now REVOKING: they become REVOKED once AWS has accepted the deny. Until then the sessions list shows failureCode RevocationPending with the reason, and the lab stream a revocation.pending event. */
            revoking: number;
            /** @enum {string} */
            state: "ENDED";
        };
        EnrolledStudentDto: {
            displayName?: string | null;
            email: string;
            /** @description Pseudonymous name AWS sees. */
            handle: string;
            id: string;
        };
        EnrollmentCountsDto: {
            alreadyEnrolled: number;
            created: number;
            /** @description Unenrolled students enrolled again, with a new access link. */
            reactivated: number;
        };
        EnrollmentDto: {
            /** @description False once unenrolled; an unenrolled student's link no longer works. */
            active: boolean;
            courseId: string;
            /** Format: date-time */
            createdAt: string;
            /** @description The latest email of an access link to this student. */
            email?: components["schemas"]["AccessLinkEmailDto"] | null;
            id: string;
            student: components["schemas"]["EnrolledStudentDto"];
            studentId: string;
            /**
             * Format: date-time
             * @description When the current access link was issued.
             */
            tokenIssuedAt?: string | null;
            /** Format: date-time */
            unenrolledAt?: string | null;
        };
        EnrollmentPageDto: {
            items: components["schemas"]["EnrollmentDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        ExternalIdProbeDto: {
            /**
             * @description AWS's error code, exactly as AWS sent it.
             * @example AccessDenied
             */
            code?: string;
            /** @description AWS's error message, or what was let in. */
            message?: string;
            /** @description AWS refused the AssumeRole (as it must); null when AWS could not answer (throttling, 5xx). */
            refused?: boolean | null;
        };
        ExternalIdProbesDto: {
            /** @description AssumeRole on the lab role with no external id. */
            withoutExternalId: components["schemas"]["ExternalIdProbeDto"];
            /** @description AssumeRole on the lab role with a wrong external id. */
            wrongExternalId: components["schemas"]["ExternalIdProbeDto"];
        };
        FieldProblemDto: {
            /** @example sessionTags[3].key */
            field: string;
            message: string;
        };
        HealthReport: Record<string, never>;
        IdentityProviderDto: {
            allowedDomains: string[];
            /** @enum {string} */
            audience: "instructors" | "students" | "both";
            clientId: string;
            /**
             * @description The secret is stored (sealed); it is never returned.
             * @enum {boolean}
             */
            clientSecretSet: true;
            /** Format: date-time */
            createdAt: string;
            displayName: string;
            emailClaim: string;
            enabled: boolean;
            id: string;
            issuer: string;
            /** @description The last test sign-in, if any. */
            lastTest: components["schemas"]["IdentityProviderTestDto"] | null;
            /** @description The redirect URI to register at the provider for LabKeys. */
            redirectUri: string;
            /** Format: date-time */
            updatedAt: string;
        };
        IdentityProviderListDto: {
            /** @description The dashboard's sign-in page for this tenant (with its sign-in buttons). */
            instructorSignInUrl: string;
            items: components["schemas"]["IdentityProviderDto"][];
            /** @description The sign-in page students of this tenant use (share it, or link it from the LMS). */
            studentSignInUrl: string;
        };
        IdentityProviderTestDto: {
            /** Format: date-time */
            at: string;
            /** @description The ID token claims the provider returned (never the tokens). */
            claims?: {
                [key: string]: unknown;
            } | null;
            /** @description Why the test sign-in failed. */
            error?: string | null;
        };
        ImportStudentsDto: {
            students: components["schemas"]["StudentRowDto"][];
        };
        InlinePolicyAccessDto: {
            /** @description What the principal may not do, with AWS's answer. */
            missing: components["schemas"]["MissingActionDto"][];
            /** @description Every IAM action revocation needs on the lab role succeeded. */
            ok: boolean;
            /**
             * @description Whose permissions were checked.
             * @enum {string}
             */
            principal: "managementRole" | "labkeysIdentity";
            principalArn?: string | null;
            /** @description The probe was written but could not be deleted; it denies nothing and may be removed by hand. */
            probeLeftBehind?: boolean;
            /**
             * @description The probe inline policy written and deleted (never LabKeys' revocation policy).
             * @example LabKeysVerifyProbe-1a2b3c4d5e6f
             */
            probePolicyName: string;
        };
        InstructorDto: {
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            disabledAt?: string | null;
            email: string;
            id: string;
            name?: string | null;
            /** @enum {string} */
            role: "OWNER" | "INSTRUCTOR" | "ASSISTANT";
        };
        InstructorPageDto: {
            items: components["schemas"]["InstructorDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        InvitationDto: {
            /** Format: date-time */
            acceptedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            email: string;
            /** Format: date-time */
            expiresAt: string;
            id: string;
            /** Format: date-time */
            revokedAt: string | null;
            /** @enum {string} */
            role: "OWNER" | "INSTRUCTOR" | "ASSISTANT";
            /** @enum {string} */
            state: "pending" | "accepted" | "revoked" | "expired";
        };
        InvitationPageDto: {
            items: components["schemas"]["InvitationDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        InvitationPreviewDto: {
            email: string;
            /** Format: date-time */
            expiresAt: string;
            /** @enum {string} */
            role: "OWNER" | "INSTRUCTOR" | "ASSISTANT";
            tenantName: string;
        };
        InvitationTokenDto: {
            /** @description The part of the invitation link after `#`. */
            token: string;
        };
        IssuedAccessLinkDto: {
            /** @example https://labkeys.example.edu/student#token=lks_… */
            accessLink: string;
            /** @description Raw student access token (lks_…). Shown once; the previous one stopped working. */
            accessToken: string;
        };
        IssuedApiTokenDto: {
            displayPrefix: string;
            /** Format: date-time */
            expiresAt?: string | null;
            id: string;
            /** @description The raw token (lk_…). Shown once; LabKeys keeps only its hash. */
            token: string;
        };
        IssuedInvitationDto: {
            email: string;
            /** Format: date-time */
            expiresAt: string;
            id: string;
            /** @description `PUBLIC_URL/invite#<token>`, single-use, shown once. */
            invitationUrl: string;
            /** @enum {string} */
            role: "OWNER" | "INSTRUCTOR" | "ASSISTANT";
        };
        LabDto: {
            autoRenew: boolean;
            courseId: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            endedAt?: string | null;
            /** Format: date-time */
            endsAt?: string | null;
            id: string;
            name: string;
            sessionDurationSeconds: number;
            /** Format: date-time */
            startedAt?: string | null;
            /** Format: date-time */
            startsAt?: string | null;
            /** @enum {string} */
            state: "SCHEDULED" | "RUNNING" | "ENDED" | "CANCELLED";
            templateId: string;
            /** Format: date-time */
            updatedAt: string;
        };
        LabPageDto: {
            items: components["schemas"]["LabDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        LabSessionDto: {
            /** @description The temporary access key id (not a secret). */
            accessKeyId?: string | null;
            assumedRoleArn?: string | null;
            attempts: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            endedAt?: string | null;
            /** Format: date-time */
            expiresAt?: string | null;
            /** @description AWS error code when FAILED. */
            failureCode?: string | null;
            /** @description AWS error message when FAILED. */
            failureReason?: string | null;
            id: string;
            /** Format: date-time */
            issuedAt?: string | null;
            labId: string;
            predecessorId?: string | null;
            /** @description The instructor's reason when the session was revoked with one. */
            revokeReason?: string | null;
            roleSessionName: string;
            /** @enum {string} */
            state: "PENDING" | "ISSUING" | "ACTIVE" | "EXPIRED" | "REVOKING" | "REVOKED" | "FAILED";
            studentEmail: string;
            studentHandle: string;
            studentId: string;
        };
        LabSessionPageDto: {
            items: components["schemas"]["LabSessionDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        MfaCodeDto: {
            /** @example 123456 */
            code: string;
        };
        MfaEnrolmentDto: {
            /** @description otpauth://totp/… URL, for a QR code. */
            otpauthUrl: string;
            /** @description Base32 secret, shown once (for apps that cannot scan the URL). */
            secret: string;
        };
        MfaVerifyDto: {
            /**
             * @description A code from the authenticator app; or give `recoveryCode`.
             * @example 123456
             */
            code?: string;
            /**
             * @description One of the recovery codes (each works once).
             * @example ABCD-EFGH-IJKL-MNOP
             */
            recoveryCode?: string;
        };
        MissingActionDto: {
            /** @example iam:PutRolePolicy */
            action: string;
            /**
             * @description AWS's error code, exactly as AWS sent it.
             * @example AccessDenied
             */
            code: string;
            /** @description AWS's error message, exactly as AWS sent it. */
            message: string;
        };
        OidcProviderSetupDto: {
            /** @example arn:aws:iam::123456789012:oidc-provider/labkeys.example.edu/oidc */
            arn: string;
            /**
             * @description Client ids (audiences) of the provider.
             * @example [
             *       "sts.amazonaws.com"
             *     ]
             */
            clientIds: string[];
            note: string;
            /**
             * @description The provider URL: LabKeys' issuer (PUBLIC_URL/oidc).
             * @example https://labkeys.example.edu/oidc
             */
            url: string;
        };
        PreviewSampleDto: {
            /** @description A sample course stood in. */
            course: boolean;
            /** @description A sample lab id stood in. */
            lab: boolean;
            /** @description A sample handle stood in for the student. */
            student: boolean;
        };
        PreviewTemplateDto: {
            /**
             * Format: uuid
             * @description A course of this tenant; the lab's course or a sample when omitted.
             */
            courseId?: string;
            /**
             * Format: uuid
             * @description A lab of this tenant using this template; its session duration applies.
             */
            labId?: string;
            /**
             * Format: uuid
             * @description A student of this tenant; a sample handle when omitted.
             */
            studentId?: string;
        };
        ProblemDto: {
            detail?: string;
            errors?: components["schemas"]["FieldProblemDto"][];
            instance?: string;
            requestId?: string;
            /** @example 400 */
            status: number;
            /** @example Invalid request */
            title: string;
            /** @example urn:labkeys:problem:validation */
            type: string;
        };
        PublicIdentityProviderDto: {
            displayName: string;
            id: string;
            /** @description Start the sign-in here (a link for the browser). */
            signInUrl: string;
        };
        RecoveryCodesDto: {
            /** @description Ten single-use codes, shown once. */
            recoveryCodes: string[];
        };
        RevocationResultDto: {
            /** @description Sessions ended at once: they had not been issued, so there was nothing to deny. */
            revoked: number;
            /** @description Sessions now REVOKING: they become REVOKED once AWS has accepted the deny. Until then the sessions list shows failureCode RevocationPending with the reason, and the lab stream a revocation.pending event. */
            revoking: number;
        };
        RevokeRequestDto: {
            /**
             * @description Why access ends, in your words; shown to the students (as text) and kept with the sessions and in the audit log. Trimmed; one line, no control characters.
             * @example The lab is over; thanks for joining.
             */
            reason?: string;
        };
        RosterImportResultDto: {
            /** @description Only enrollments that received a new token in this request. */
            accessLinks: components["schemas"]["AccessLinkDto"][];
            enrollments: components["schemas"]["EnrollmentCountsDto"];
            students: components["schemas"]["StudentCountsDto"];
        };
        SessionDto: {
            /** @description Send as the `x-csrf-token` header with every cookie-authenticated POST, PATCH and DELETE. Changes when the session is rotated. */
            csrfToken: string;
            instructor: components["schemas"]["SessionInstructorDto"];
            /**
             * @description `mfa-required`: only `POST /v1/auth/mfa/verify` (and sign-out) until a code is given; `mfa-enrolment-required`: only MFA enrolment.
             * @enum {string}
             */
            state: "signed-in" | "mfa-required" | "mfa-enrolment-required";
            /**
             * Format: date-time
             * @description Until when sensitive changes need no new code; null when a step-up is needed.
             */
            stepUpUntil: string | null;
            tenant: components["schemas"]["SessionTenantDto"];
        };
        SessionInstructorDto: {
            email: string;
            id: string;
            mfaEnabled: boolean;
            name: string | null;
            /** @enum {string} */
            role: "OWNER" | "INSTRUCTOR" | "ASSISTANT";
        };
        SessionTagDto: {
            /** @example course */
            key: string;
            /**
             * @description May contain placeholders.
             * @example {{course.code}}
             */
            value: string;
        };
        SessionTenantDto: {
            id: string;
            mfaRequired: boolean;
            name: string;
        };
        SetupLabRoleDto: {
            /**
             * @description Recommended MaxSessionDuration; long labs renew sessions below it.
             * @example 43200
             */
            maxSessionDuration: number;
            /** @description What the role itself may do is the lab's business: attach its permissions yourself. */
            note: string;
            /** @example / */
            path: string;
            /** @example arn:aws:iam::123456789012:role/LabKeysLab */
            roleArn: string;
            roleName: string;
            /**
             * @example [
             *       "sts:AssumeRole",
             *       "sts:TagSession",
             *       "sts:SetSourceIdentity"
             *     ]
             */
            trustedActions: string[];
            /** @description IAM trust policy (JSON document). */
            trustPolicy: {
                [key: string]: unknown;
            };
        };
        SetupManagementRoleDto: {
            /** @example / */
            path: string;
            /** @description Inline policy of the management role (JSON document). */
            policy: {
                [key: string]: unknown;
            };
            /** @example LabKeysRevocation */
            policyName: string;
            /** @example arn:aws:iam::123456789012:role/LabKeysLab */
            roleArn: string;
            roleName: string;
            /** @description IAM trust policy (JSON document). */
            trustPolicy: {
                [key: string]: unknown;
            };
        };
        SignedOutDto: {
            /** @description The school provider's end-session URL (RP-initiated logout); null when it has none. */
            endSessionUrl: string | null;
        };
        SignInDto: {
            /** @example ada@example.edu */
            email: string;
            /** Format: password */
            password: string;
            /** @description The tenant to sign in to, when the email and password open several (see the 409 answer). */
            tenantId?: string;
        };
        StartLabResultDto: {
            /** @description Enrolled students who already had a live session. */
            alreadyLive: number;
            /** @description Sessions created by this call. */
            created: number;
            labId: string;
            /** @description Issuance jobs (re)queued. */
            queued: number;
            /** @enum {string} */
            state: "RUNNING";
        };
        StudentChoiceLabDto: {
            /** Format: date-time */
            endsAt: string | null;
            id: string;
            name: string;
            /** Format: date-time */
            startsAt: string | null;
            /** @enum {string} */
            state: "SCHEDULED" | "RUNNING";
        };
        StudentCountsDto: {
            /** @description Students new to the tenant. */
            created: number;
            /** @description Students the tenant already had (matched by email). */
            existing: number;
        };
        StudentCourseDto: {
            code: string;
            /** Format: date-time */
            endsAt?: string | null;
            id: string;
            title: string;
        };
        StudentCredentialsDto: {
            accessKeyId: string;
            assumedRoleArn?: string | null;
            consoleUrl: string;
            /** @description Set when the lab runs against a non-default AWS endpoint. */
            endpointUrl?: string | null;
            /** Format: date-time */
            expiration: string;
            labId: string;
            labName: string;
            region: string;
            secretAccessKey: string;
            sessionId: string;
            sessionToken: string;
            /** @enum {string} */
            state: "ACTIVE";
        };
        StudentDetailDto: {
            /** Format: date-time */
            createdAt: string;
            displayName?: string | null;
            /** @example grace@example.edu */
            email: string;
            enrollments: components["schemas"]["StudentEnrollmentDto"][];
            /**
             * @description Pseudonymous name AWS sees (session names, tags, source identity); never the email.
             * @example s-k3xq7m2pza
             */
            handle: string;
            id: string;
            /** Format: date-time */
            updatedAt: string;
        };
        StudentDto: {
            /** Format: date-time */
            createdAt: string;
            displayName?: string | null;
            /** @example grace@example.edu */
            email: string;
            /**
             * @description Pseudonymous name AWS sees (session names, tags, source identity); never the email.
             * @example s-k3xq7m2pza
             */
            handle: string;
            id: string;
            /** Format: date-time */
            updatedAt: string;
        };
        StudentEnrollmentDto: {
            /** @description False once unenrolled. */
            active: boolean;
            /** @example CS-101 */
            courseCode: string;
            courseId: string;
            courseTitle: string;
            /** Format: date-time */
            createdAt: string;
            id: string;
            /** Format: date-time */
            tokenIssuedAt?: string | null;
            /** Format: date-time */
            unenrolledAt?: string | null;
        };
        StudentLabChoiceDto: {
            /** @description The course this session works in now. */
            chosen: boolean;
            course: components["schemas"]["StudentCourseDto"];
            enrollmentId: string;
            /** @description Its scheduled and running labs. */
            labs: components["schemas"]["StudentChoiceLabDto"][];
        };
        StudentLabChoicesDto: {
            courses: components["schemas"]["StudentLabChoiceDto"][];
        };
        StudentLabDto: {
            /** Format: date-time */
            expiresAt?: string | null;
            /** @description AWS's error code when issuing failed. */
            failureCode?: string | null;
            /** @description AWS's message when issuing failed. */
            failureReason?: string | null;
            labId: string;
            labName: string;
            /** @description The instructor's reason when they revoked this session with one (plain text). */
            revokeReason?: string | null;
            sessionId: string;
            /** @enum {string} */
            state: "PENDING" | "ISSUING" | "ACTIVE" | "EXPIRED" | "REVOKING" | "REVOKED" | "FAILED";
        };
        StudentPageDto: {
            items: components["schemas"]["StudentDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        StudentRowDto: {
            /**
             * @description Used only for new students; existing students keep theirs.
             * @example Grace Hopper
             */
            displayName?: string;
            /**
             * @description Trimmed and lower-cased; identifies the student in the tenant.
             * @example grace@example.edu
             */
            email: string;
        };
        StudentSessionDto: {
            course: components["schemas"]["StudentCourseDto"];
            /** @description The session the status is about (the newest live one, else the last one); null before any. */
            lab?: components["schemas"]["StudentLabDto"] | null;
            /** @description Signed in through the school's identity provider (the course is a choice: GET /v1/me/sso/labs), not an access link. */
            schoolSignIn: boolean;
            /**
             * @description waiting (no credentials yet), ready, renewing (a successor is being issued), or ended: expired, revoked, failed.
             * @enum {string}
             */
            status: "waiting" | "ready" | "renewing" | "expired" | "revoked" | "failed";
            /**
             * @description How this request was authenticated.
             * @enum {string}
             */
            via: "cookie" | "token";
        };
        TemplateDto: {
            allowedRegions: string[];
            connectionId: string;
            consoleDestination?: string | null;
            /** Format: date-time */
            createdAt: string;
            durationSeconds: number;
            id: string;
            managedPolicyArns: string[];
            name: string;
            roleArn: string;
            sessionPolicyTemplate?: string | null;
            sessionTags: components["schemas"]["SessionTagDto"][];
            transitiveTagKeys: string[];
            /** Format: date-time */
            updatedAt: string;
        };
        TemplatePageDto: {
            items: components["schemas"]["TemplateDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        TemplatePreviewDto: {
            /** @description The exact STS AssumeRole parameters (RoleArn, RoleSessionName, DurationSeconds, Policy, PolicyArns, Tags, TransitiveTagKeys, SourceIdentity, ExternalId). The session id is fresh for each real session. */
            assumeRole: {
                [key: string]: unknown;
            };
            /** @description Characters of the rendered session policy (limit 2048 with managed policies). */
            policyLength?: number | null;
            sample: components["schemas"]["PreviewSampleDto"];
        };
        TenantChoiceDto: {
            id: string;
            name: string;
        };
        TenantChoiceProblemDto: {
            detail: string;
            /** @example 409 */
            status: number;
            tenants: components["schemas"]["TenantChoiceDto"][];
            title: string;
            type: string;
        };
        TenantDto: {
            id: string;
            /** @description Instructors signing in with a password must use MFA. */
            mfaRequired: boolean;
            name: string;
            /** @description Instructors may sign in with a password (else only through an identity provider). */
            passwordSignIn: boolean;
            /** @description An SSO sign-in whose ID token's `amr` contains `mfa` needs no LabKeys TOTP code. */
            trustProviderMfa: boolean;
        };
        TenantSignInOptionsDto: {
            /** @description Instructors may sign in with a password. */
            passwordSignIn: boolean;
            providers: components["schemas"]["PublicIdentityProviderDto"][];
            tenantId: string;
            tenantName: string;
        };
        TestSignInDto: {
            /** @description Open this URL in the same browser: the provider's sign-in page. */
            authorizationUrl: string;
        };
        UpdateConnectionDto: {
            endpointOverride?: string | null;
            /** @example arn:aws:iam::123456789012:role/LabKeysLab */
            labRoleArn?: string | null;
            managementRoleArn?: string | null;
            name?: string;
            /** @example eu-west-1 */
            region?: string;
        };
        UpdateCourseDto: {
            /** @example CS-101 */
            code?: string;
            /**
             * Format: date-time
             * @description When the course ends: students' access links stop working then. Null removes the end date.
             */
            endsAt?: string | null;
            /** @example Cloud Foundations */
            title?: string;
        };
        UpdateIdentityProviderDto: {
            /**
             * @example [
             *       "example.edu"
             *     ]
             */
            allowedDomains?: string[];
            /**
             * @description Who may sign in with it: instructors (the dashboard), students (the student page and CLI), or both.
             * @enum {string}
             */
            audience?: "instructors" | "students" | "both";
            clientId?: string;
            /**
             * Format: password
             * @description A new client secret; left out = kept.
             */
            clientSecret?: string;
            /** @example Example University */
            displayName?: string;
            emailClaim?: string;
            enabled?: boolean;
            /** @example https://accounts.google.com */
            issuer?: string;
        };
        UpdateInstructorDto: {
            /** @description Disabled instructors cannot authenticate. */
            disabled?: boolean;
            name?: string;
            /** @enum {string} */
            role?: "OWNER" | "INSTRUCTOR" | "ASSISTANT";
        };
        UpdateLabDto: {
            autoRenew?: boolean;
            /** Format: uuid */
            courseId?: string;
            /** Format: date-time */
            endsAt?: string | null;
            name?: string;
            sessionDurationSeconds?: number;
            /** Format: date-time */
            startsAt?: string | null;
            /** Format: uuid */
            templateId?: string;
        };
        UpdateStudentDto: {
            /**
             * @description null clears it.
             * @example Grace Hopper
             */
            displayName: string | null;
        };
        UpdateTemplateDto: {
            allowedRegions?: string[];
            /** Format: uuid */
            connectionId?: string;
            consoleDestination?: string | null;
            durationSeconds?: number;
            managedPolicyArns?: string[];
            name?: string;
            roleArn?: string;
            sessionPolicyTemplate?: string | null;
            sessionTags?: components["schemas"]["SessionTagDto"][];
            transitiveTagKeys?: string[];
        };
        UpdateTenantDto: {
            mfaRequired?: boolean;
            /** @description Off: instructors sign in only through an identity provider; refused unless an enabled instructor provider admits you. */
            passwordSignIn?: boolean;
            /** @description Skip LabKeys' TOTP step when the identity provider asserts MFA (`amr`). */
            trustProviderMfa?: boolean;
        };
        VerifyFailureDto: {
            /** @example iam:PutRolePolicy */
            action?: string;
            /** @enum {string} */
            check: "trust" | "externalId" | "otherTenant" | "oidcProvider" | "managementRole" | "inlinePolicies";
            /** @example ExternalIdNotEnforced */
            code: string;
            message: string;
        };
        VerifyResultDto: {
            /** Format: date-time */
            checkedAt: string;
            /** @description AWS refused AssumeRole on the lab role both without an external id and with a wrong one; false when either was let in (the connection is then not verified); null when AWS could not answer. */
            externalIdEnforced?: boolean | null;
            /** @description webIdentity: why the external id probes do not apply. */
            externalIdNote?: string;
            externalIdProbes: components["schemas"]["ExternalIdProbesDto"];
            /** @description Why verified is false; empty when verified. Also kept on the connection (lastVerifyFailures). */
            failures: components["schemas"]["VerifyFailureDto"][];
            /** @description GetRole, ListRolePolicies, PutRolePolicy, GetRolePolicy and DeleteRolePolicy of a probe inline policy on the lab role, as the management role (or LabKeys' identity when none is set). */
            inlinePolicies: components["schemas"]["InlinePolicyAccessDto"];
            /** @description LabKeys' identity as STS reports it, when known. */
            labkeysIdentityArn: string | null;
            /** @description The management role, when one is set: LabKeys can assume it and it can do everything revocation does on the lab role (first failure named). */
            managementRole?: components["schemas"]["AwsCheckDto"] | null;
            /** @description The lab role's MaxSessionDuration (IAM GetRole); null when not permitted. */
            maxSessionDuration?: number | null;
            /** @description Why maxSessionDuration is null. */
            maxSessionDurationNote?: string;
            /** @description webIdentity: the account's IAM OIDC provider for LabKeys exists (GetOpenIDConnectProvider as the management role), names the issuer and accepts sts.amazonaws.com. */
            oidcProvider?: components["schemas"]["AwsCheckDto"];
            /** @description webIdentity: AWS's answer to that token. */
            otherTenantProbe?: components["schemas"]["ExternalIdProbeDto"];
            /** @description webIdentity: AWS refused a token LabKeys signed for another tenant's subject; null when AWS could not answer. */
            otherTenantRefused?: boolean | null;
            /** @description LabKeys' own identity is an assumed role: sessions capped at 3600 s, no console SessionDuration. Null when STS could not be asked. */
            roleChaining?: boolean | null;
            /** @description AssumeRole on the lab role (900 s, external id, a session tag and source identity). */
            trust: components["schemas"]["AwsCheckDto"];
            /** @description Safe to use: trust ok, external id enforced, inline policies writable. Labs cannot start on a connection whose last verify was false. */
            verified: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_check: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Postgres and Redis answer (checked at most once per second). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthReport"];
                };
            };
            /** @description Postgres or Redis does not answer. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthReport"];
                };
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process serves HTTP (no store is checked): for a liveness probe. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready for traffic: Postgres and Redis answer and every migration is applied (terminus format; checked at most once per second). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A store does not answer or a migration is pending; `error` names it. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    OidcController_discovery: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenID Connect discovery document (issuer, jwks_uri, RS256). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    OidcController_jwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The public signing keys: every key that signs, will sign, or signed a token that has not expired yet. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AccountController_disableMfa: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description MFA is off; the recovery codes stop working. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AccountController_startEnrolment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MfaEnrolmentDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description MFA is already on. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AccountController_confirmEnrolment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MfaCodeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoveryCodesDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No enrolment is waiting for a code. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AccountController_changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordDto"];
            };
        };
        responses: {
            /** @description Changed; every other session of the account is ended. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AccountController_listTokens: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The API tokens of the signed-in instructor. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiTokenPageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AccountController_issueToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateAccountTokenDto"];
            };
        };
        responses: {
            /** @description The raw token is in this answer only. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedApiTokenDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AccountController_revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tokenId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked; it stops working at once. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AuditController_list: {
        parameters: {
            query?: {
                action?: string;
                actorId?: string;
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                limit?: number;
                since?: string;
                sort?: "createdAt" | "-createdAt";
                subjectId?: string;
                subjectType?: string;
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AuthController_accept: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AcceptInvitationDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The link was used, revoked or has expired (or never existed). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AuthController_inspect: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InvitationTokenDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationPreviewDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The link was used, revoked or has expired (or never existed). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AuthController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MfaVerifyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AuthController_session: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AuthController_signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignInDto"];
            };
        };
        responses: {
            /** @description `state` says whether a code (`mfa-required`) or an MFA enrolment is needed next. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The email and password open several tenants: sign in again with one `tenantId`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantChoiceProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AuthController_signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A session signed in through the school's identity provider: ended too, and `endSessionUrl` (when the provider has one) signs the browser out there. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedOutDto"];
                };
            };
            /** @description The session is ended and the cookie cleared. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AuthController_signOutEverywhere: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every session of the account is ended (API tokens are not affected). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    SsoController_callback: {
        parameters: {
            query?: {
                code?: string;
                error?: string;
                error_description?: string;
                error_uri?: string;
                iss?: string;
                session_state?: string;
                state?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the dashboard, the student page or the CLI; refusals carry `sso_error`. */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    SsoController_exchange: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CliExchangeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CliCredentialDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    SsoController_start: {
        parameters: {
            query: {
                /** @description student-cli: base64url SHA-256 of the CLI’s one-time verifier. */
                challenge?: string;
                /** @description student-cli: the port of the CLI’s loopback listener on 127.0.0.1. */
                port?: string;
                purpose: "instructor" | "student" | "student-cli";
            };
            header?: never;
            path: {
                providerId: string;
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the provider's sign-in page; sets the sign-in's browser cookie. */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    SsoController_options: {
        parameters: {
            query?: {
                /** @description Default instructors. */
                for?: "instructors" | "students";
            };
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantSignInOptionsDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AuthController_stepUp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MfaCodeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    ConnectionsController_list: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                limit?: number;
                sort?: "createdAt" | "-createdAt" | "name" | "-name";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionPageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    ConnectionsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateConnectionDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A connection with this name exists. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    ConnectionsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                connectionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    ConnectionsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                connectionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Role templates still use the connection. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    ConnectionsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                connectionId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateConnectionDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A connection with this name exists. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    ConnectionsController_setup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                connectionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionSetupDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description LabKeys' own AWS principal is unknown. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    ConnectionsController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                connectionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description AWS's answers; a failed check is a result (verified: false, failures named), not an error. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerifyResultDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The connection has no lab role ARN yet, or it changed while being verified. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    CoursesController_list: {
        parameters: {
            query?: {
                /** @description Only archived (true) or only current (false) courses. */
                archived?: "true" | "false";
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                limit?: number;
                /** @description Case-insensitive text contained in the code or title. */
                q?: string;
                sort?: "createdAt" | "-createdAt" | "code" | "-code";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CoursePageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    CoursesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCourseDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CourseDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The code is taken in this tenant (`field: code`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    CoursesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                courseId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CourseDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    CoursesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                courseId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateCourseDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CourseDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The code is taken in this tenant (`field: code`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    AccessLinkEmailsController_emailAll: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                courseId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EmailAccessLinksDto"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmailedAccessLinksDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The course is archived. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    CoursesController_archive: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                courseId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CourseDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    EnrollmentsController_list: {
        parameters: {
            query?: {
                /** @description Only current (true) or only unenrolled (false) enrollments. */
                active?: "true" | "false";
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                limit?: number;
                sort?: "createdAt" | "-createdAt";
            };
            header?: never;
            path: {
                courseId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnrollmentPageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    EnrollmentsController_unenroll: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                courseId: string;
                enrollmentId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unenrolled (or already was). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    EnrollmentsController_reissue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                courseId: string;
                enrollmentId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedAccessLinkDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The student is unenrolled. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    EnrollmentsController_emailOne: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                courseId: string;
                enrollmentId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmailedAccessLinksDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The student is unenrolled or the course archived. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    RosterImportController_importJson: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                courseId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ImportStudentsDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RosterImportResultDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The course is archived. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    RosterImportController_importCsv: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                courseId: string;
            };
            cookie?: never;
        };
        /** @description The CSV itself (text/csv), or a form with the CSV in its `file` field (multipart/form-data). */
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** Format: binary */
                    file: string;
                };
                "text/csv": string;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RosterImportResultDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The course is archived. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The file is larger than 5 MB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Neither text/csv nor multipart/form-data. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    CoursesController_unarchive: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                courseId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CourseDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    IdentityProvidersController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityProviderListDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    IdentityProvidersController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateIdentityProviderDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityProviderDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A provider with this name exists. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    IdentityProvidersController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                providerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityProviderDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    IdentityProvidersController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                providerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description It would lock the owner out (password sign-in is off). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    IdentityProvidersController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                providerId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateIdentityProviderDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityProviderDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The name is taken, or the change would lock the owner out (password sign-in is off). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    IdentityProvidersController_testSignIn: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                providerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TestSignInDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    InstructorsController_list: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                limit?: number;
                role?: "OWNER" | "INSTRUCTOR" | "ASSISTANT";
                sort?: "createdAt" | "-createdAt" | "email" | "-email";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InstructorPageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    InstructorsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateInstructorDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InstructorDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    InstructorsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                instructorId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InstructorDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    InstructorsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                instructorId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateInstructorDto"];
            };
        };
        responses: {
            /** @description Disabling ends the instructor's dashboard sessions; their API tokens stop working while disabled. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InstructorDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    InstructorsController_issueToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                instructorId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiTokenDto"];
            };
        };
        responses: {
            /** @description The raw token is in this answer only. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedApiTokenDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    InvitationsController_list: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationPageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    InvitationsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateInvitationDto"];
            };
        };
        responses: {
            /** @description The link is in this answer only; it works once, for 7 days. Earlier open invitations of the email stop working. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedInvitationDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The instructor can sign in already, is disabled, or has another role. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    InvitationsController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                invitationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The link stops working. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    LabsController_list: {
        parameters: {
            query?: {
                courseId?: string;
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                limit?: number;
                sort?: "createdAt" | "-createdAt" | "startsAt" | "-startsAt" | "name" | "-name";
                state?: "SCHEDULED" | "RUNNING" | "ENDED" | "CANCELLED";
                templateId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabPageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    LabsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateLabDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    LabsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                labId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    LabsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                labId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateLabDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The lab is no longer SCHEDULED. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    LabsController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                labId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The lab is no longer SCHEDULED. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    RevocationsController_end: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                labId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EndLabResultDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The lab is SCHEDULED or CANCELLED. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    LabSessionsController_events: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                labId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SSE: `lab.readiness` counts and `session.state` per student; resumable with Last-Event-ID. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    RevocationsController_revokeLab: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                labId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RevokeRequestDto"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevocationResultDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    LabSessionsController_sessions: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                limit?: number;
                sort?: "createdAt" | "-createdAt" | "expiresAt" | "-expiresAt";
                state?: "PENDING" | "ISSUING" | "ACTIVE" | "EXPIRED" | "REVOKING" | "REVOKED" | "FAILED";
            };
            header?: never;
            path: {
                labId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description States, failure reasons and expiries; never secrets. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabSessionPageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    RevocationsController_revokeSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                labId: string;
                sessionId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RevokeRequestDto"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevocationResultDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    LabSessionsController_start: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                labId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Sessions created and issuance queued; starting a running lab again creates nothing. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StartLabResultDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The lab has ended or was cancelled, or its connection failed its last verify (field `connectionId`, detail naming the connection). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentController_events: {
        parameters: {
            query?: {
                /** @description Where to resume, for clients that cannot send the Last-Event-ID header (a new EventSource after the old one gave up); the header wins when both are sent. */
                lastEventId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SSE: session.queued, session.issued, session.renewed, session.expiring, session.revoking, session.ended, session.failed — with this student's own credentials only; resumable with Last-Event-ID. While the student's own session is being issued, lab.progress (no id) gives the class's counts (ready, waiting, failed, total), coalesced to one every 250 ms at most. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentController_session: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentSessionDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentController_startSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentSessionDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentController_endSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentController_current: {
        parameters: {
            query?: {
                /** @description json, env (bash/zsh exports), fish, powershell, cmd (Windows), ini (~/.aws/credentials profile: the three keys), credentials (the same with the region), config (~/.aws/config profile running `labkeys credential-process`) or process (credential_process v1). */
                format?: "json" | "env" | "fish" | "powershell" | "cmd" | "ini" | "credentials" | "config" | "process";
                /** @description Profile name for the ini, credentials and config formats. */
                profile?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description format=json (default), env, ini or process. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentCredentialsDto"];
                    "text/plain": components["schemas"]["StudentCredentialsDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Credentials are still being issued. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                    "text/plain": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The lab access has ended. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                    "text/plain": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentController_console: {
        parameters: {
            query?: {
                /** @description json answers {url} (the federation sign-in URL) instead of a 302; link answers {url} with a fresh single-use LabKeys link that opens the console in a new tab. */
                mode?: "redirect" | "json" | "link";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description mode=json or mode=link. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsoleLinkDto"];
                };
            };
            /** @description Redirect to a freshly minted AWS console sign-in URL (valid 15 minutes). */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentSsoController_choose: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChooseEnrollmentDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentLabChoicesDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentSsoController_labs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentLabChoicesDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentSsoController_signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentsController_list: {
        parameters: {
            query?: {
                /** @description Only students currently enrolled in this course. */
                courseId?: string;
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                /** @description Exact email (compared trimmed and lower-cased). */
                email?: string;
                limit?: number;
                /** @description Case-insensitive text contained in the email, display name or handle. */
                q?: string;
                sort?: "createdAt" | "-createdAt" | "email" | "-email";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentPageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                studentId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The student with every enrollment, current or ended. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentDetailDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                studentId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted (or already was). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    StudentsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                studentId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateStudentDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StudentDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    RevocationsController_revokeStudent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                studentId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RevokeRequestDto"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevocationResultDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    TemplatesController_list: {
        parameters: {
            query?: {
                connectionId?: string;
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                limit?: number;
                sort?: "createdAt" | "-createdAt" | "name" | "-name";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplatePageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    TemplatesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTemplateDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A template with this name exists. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    TemplatesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                templateId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    TemplatesController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                templateId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Labs use the template. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    TemplatesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                templateId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTemplateDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description A template with this name exists. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    TemplatesController_preview: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                templateId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PreviewTemplateDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplatePreviewDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    TenantController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    TenantController_update: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTenantDto"];
            };
        };
        responses: {
            /** @description With `mfaRequired`, instructors without MFA may only enrol once signed in. `passwordSignIn: false` is refused (409) unless an enabled instructor identity provider admits the owner making the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    InstructorsController_listTokens: {
        parameters: {
            query?: {
                /** @description Opaque cursor from the previous page's nextCursor. */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Owners see every token of the tenant; others their own. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiTokenPageDto"];
                };
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
    InstructorsController_revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tokenId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked; it stops working at once. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input; `errors` names each field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Missing, invalid, expired or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description The token's role may not do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description No such resource in this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
            /** @description Rate limit or too many failed authentications. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemDto"];
                };
            };
        };
    };
}
