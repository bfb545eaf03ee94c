// n8n 2.40.7 (the newest 2.x that installs from the registry here) on Node 24 from the npm registry.
import { N8N_V2 } from '../../scripts/lib/n8n';
import { describeN8n } from './suite';

describeN8n(N8N_V2);
