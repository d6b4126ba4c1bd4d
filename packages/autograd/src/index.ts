export const PACKAGE = '@chainrule/autograd';
