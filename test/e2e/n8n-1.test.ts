// n8n 1.123.81 (the last 1.x) on the system Node 20, when it installed here.
import { N8N_V1 } from '../../scripts/lib/n8n';
import { describeN8n } from './suite';

describeN8n(N8N_V1);
