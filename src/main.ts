/** Browser entry: the app shell (src/app/shell.ts) starts the model named in the URL hash. */
import { reportFatal, startShell } from './app/shell.ts';

startShell().catch(reportFatal);
