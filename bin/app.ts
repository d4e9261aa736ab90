import { App } from 'aws-cdk-lib';
import { buildOperatorBridge } from '../lib/app.ts';

const app = new App();
buildOperatorBridge(app);
app.synth();
