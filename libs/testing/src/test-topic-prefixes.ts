import { join } from 'node:path';

/**
 * The topic prefixes this checkout's test runs created (one a line); the integration run's global
 * teardown deletes their topics. No alias imports here: jest's global teardown loads it as is.
 */
export const TEST_TOPIC_PREFIXES_FILE = join(
  __dirname,
  '..',
  '..',
  '..',
  '.cache',
  'test-topic-prefixes',
);
