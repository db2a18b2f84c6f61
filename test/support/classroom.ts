/** The class fixtures are shared with the benchmarks (scripts/support/school.ts). */
export { createClassroom, SCOPED_POLICY, type Classroom, type ClassroomOptions } from '../../scripts/support/school';
