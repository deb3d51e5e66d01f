import { PAGE_EXAMPLES } from './page-examples.js';

/** The seed page's own example request for alipay.user.certify.open.initialize. */
export const CERTIFY_OPEN_INITIALIZE = 'alipay.user.certify.open.initialize';

export const certifyOpenInitializeExample = PAGE_EXAMPLES[CERTIFY_OPEN_INITIALIZE];
