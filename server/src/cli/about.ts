import { version } from '../../../package.json';

export const TOOL_NAME = 'api-sentinel';
export const TOOL_VERSION: string = version;
