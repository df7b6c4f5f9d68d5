import type { ResourceProvider } from '../cloudformation/resource-provider';
import { MIXED_ALNUM } from '../state';

/** AWS::SSM::Parameter: its value is what SSM-typed template parameters of other stacks resolve to. */
export const parameterProvider: ResourceProvider = {
  type: 'AWS::SSM::Parameter',
  identify(properties, scope) {
    const name =
      typeof properties.Name === 'string' ? properties.Name : `CFN-${scope.logicalId}-${scope.identity.derive(`${scope.purpose}:suffix`, 12, MIXED_ALNUM)}`;
    return { ref: name, attributes: { Type: String(properties.Type ?? 'String'), Value: String(properties.Value) } };
  },
  ssmParameter: (properties, identity) => ({ name: identity.ref, value: String(properties.Value) }),
};
