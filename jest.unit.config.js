import { run, unit } from './jest.config.js';

export default { ...run, ...unit };
