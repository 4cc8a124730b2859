/** One statement of an IAM policy document, as the template holds it. */
export type Statement = Record<string, unknown>;
export type Sub = { 'Fn::Sub': string };

/** A CloudFormation `Fn::Sub` of the text (its `${AWS::…}` pseudo parameters resolved at deploy). */
export const sub = (text: string): Sub => ({ 'Fn::Sub': text });
