using Mandate.Policy.Expressions;

namespace Mandate.Policy;

/// <summary>
/// The typed context rule conditions are checked against at load time and evaluated against per request.
/// See docs/policy.md ("Conditions") for the variables and what each holds.
/// </summary>
public static class PolicyExpressionContext
{
    /// <summary>The variables a <c>when:</c> condition may use, with their types.</summary>
    public static CelEnvironment Environment { get; } = new(new Dictionary<string, CelType>(StringComparer.Ordinal)
    {
        ["agent"] = CelType.ObjectOf("agent", new Dictionary<string, CelType> { ["id"] = CelType.String }),
        ["run"] = CelType.ObjectOf("run", new Dictionary<string, CelType> { ["id"] = CelType.String, ["depth"] = CelType.Int }),
        ["tenant"] = CelType.String,
        ["subject"] = CelType.String,
        ["user"] = CelType.ObjectOf("user", new Dictionary<string, CelType>
        {
            ["id"] = CelType.String,
            ["tenant"] = CelType.String,
            ["claims"] = CelType.MapOf(CelType.Dyn),
        }),
        ["tool"] = CelType.String,
        ["scopes"] = CelType.ListOf(CelType.String),
        ["authorization_details"] = CelType.ListOf(CelType.Dyn),
        ["request"] = CelType.ObjectOf("request", new Dictionary<string, CelType>
        {
            ["tool"] = CelType.String,
            ["tenant"] = CelType.String,
            ["scopes"] = CelType.ListOf(CelType.String),
            ["authorization_details"] = CelType.ListOf(CelType.Dyn),
            ["evidence_subject"] = CelType.String,
        }),
        ["environment"] = CelType.String,
        ["now"] = CelType.Timestamp,
        ["evidence"] = CelType.MapOf(CelType.String),
        ["rate"] = CelType.MapOf(CelType.Int),
    });

    /// <summary>Builds the variables for one request. Background work has a user with empty id and tenant and no claims.</summary>
    public static IReadOnlyDictionary<string, object?> Build(PolicyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var scopes = input.Scopes.Select(s => (object?)s).ToList();
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["agent"] = new Dictionary<string, object?> { ["id"] = input.Agent },
            ["run"] = new Dictionary<string, object?> { ["id"] = input.RunId ?? "", ["depth"] = (long)input.DelegationDepth },
            ["tenant"] = input.Tenant,
            ["subject"] = input.Subject == SubjectKind.User ? "user" : "agent",
            ["user"] = new Dictionary<string, object?>
            {
                ["id"] = input.User ?? "",
                ["tenant"] = input.UserTenant ?? "",
                ["claims"] = input.UserClaims,
            },
            ["tool"] = input.Tool,
            ["scopes"] = scopes,
            ["authorization_details"] = input.AuthorizationDetails,
            ["request"] = new Dictionary<string, object?>
            {
                ["tool"] = input.Tool,
                ["tenant"] = input.Tenant,
                ["scopes"] = scopes,
                ["authorization_details"] = input.AuthorizationDetails,
                ["evidence_subject"] = input.EvidenceSubject ?? "",
            },
            ["environment"] = input.Environment,
            ["now"] = input.Now,
            ["evidence"] = input.Evidence.ToDictionary(e => e.Key, e => (object?)e.Value, StringComparer.Ordinal),
            ["rate"] = input.RateCounts.ToDictionary(e => e.Key, e => (object?)e.Value, StringComparer.Ordinal),
        };
    }
}
