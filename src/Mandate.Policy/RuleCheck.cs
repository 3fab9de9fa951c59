namespace Mandate.Policy;

/// <summary>
/// The checks after agent and tool, in evaluation order. A higher value means a rule got further,
/// which is how the "nearest miss" for a refusal is chosen.
/// </summary>
internal enum RuleCheck
{
    Environment = 1,
    Subject = 2,
    Tenant = 3,
    Scopes = 4,
    SenderConstraint = 5,
    Condition = 6,
    Rate = 7,
    Passed = 8,
}
