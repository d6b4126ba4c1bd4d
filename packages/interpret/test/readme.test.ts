// Every ```ts block of packages/interpret/README.md runs as a module, so the examples stay runnable.
import { describeReadmeBlocks } from '../../../tooling/readme-blocks.js';

describeReadmeBlocks(import.meta.url, 3);
