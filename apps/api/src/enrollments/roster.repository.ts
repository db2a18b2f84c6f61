// Roster statements live in libs/database (StudentRepository, EnrollmentRepository); the access-link mail
// outbox still takes its ids from here until its deliveries are written by a repository too.
export { uuidv7 } from '@labkeys/database';
