// The class fixtures are shared with the benchmarks (libs/testing).
export { createClassroom, SCOPED_POLICY, type Classroom, type ClassroomOptions } from '@labkeys/testing';
