import { e2e, run } from './jest.config.js';

export default { ...run, ...e2e };
