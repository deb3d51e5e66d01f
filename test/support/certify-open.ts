import { VALID_REQUESTS } from './page-examples.js';

export const CERTIFY_OPEN_INITIALIZE = 'alipay.user.certify.open.initialize';

/** The seed page's own example request for alipay.user.certify.open.initialize, with a real ID number. */
export const certifyOpenInitializeExample = VALID_REQUESTS[CERTIFY_OPEN_INITIALIZE];
