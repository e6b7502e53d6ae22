export declare const PUBLIC_DECORATOR: string;
export declare const PUBLIC_PASS: string;
export declare const PUBLIC_AWARE_AUTH_GUARD: string;
