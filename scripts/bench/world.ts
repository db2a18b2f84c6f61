// The school account the e2e tests use too (scripts/support/school.ts).
export { ACCOUNT, LAB_ROLE_ARN, MANAGEMENT_ROLE_ARN, schoolWorld as benchWorld, webIdentitySchoolWorld } from '../support/school';
