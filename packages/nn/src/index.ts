export const PACKAGE = '@chainrule/nn';
