// Runs every ```ts block of packages/onnx/README.md (tooling/readme-blocks.ts).
import { describeReadmeBlocks } from '../../../tooling/readme-blocks.js';

describeReadmeBlocks(import.meta.url, 2);
