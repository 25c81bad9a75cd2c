import { parse, type CollectionTag, type ScalarTag, type Tags } from 'yaml';

/**
 * CloudFormation's short-form intrinsics (!Ref, !GetAtt, !Sub, …) as `yaml` custom tags, so a
 * template parses to the same JSON CloudFormation sees.
 */
const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'GetAtt'];

const fnName = (name: string) => `Fn::${name}`;

const scalar = (tag: string, resolve: (value: string) => unknown): ScalarTag => ({ tag, resolve });
const collection = (tag: string, kind: 'seq' | 'map', key: string): CollectionTag => ({
  tag,
  collection: kind,
  resolve: (value) => ({ [key]: value.toJSON() }),
});

export const cfnTags: Tags = [
  scalar('!Ref', (value) => ({ Ref: value })),
  scalar('!Condition', (value) => ({ Condition: value })),
  // !GetAtt Resource.Attribute is the scalar form of [Resource, Attribute].
  scalar('!GetAtt', (value) => {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }),
  ...FUNCTIONS.filter((f) => f !== 'GetAtt').map((f) => scalar(`!${f}`, (value) => ({ [fnName(f)]: value }))),
  ...FUNCTIONS.flatMap((f) => [collection(`!${f}`, 'seq', fnName(f)), collection(`!${f}`, 'map', fnName(f))]),
];

export function parseCfnYaml(text: string): unknown {
  return parse(text, { customTags: cfnTags });
}
