using Mandate.Policy.Expressions;

namespace Mandate.Policy;

/// <summary>Reads the keys beyond matching: <c>when</c>, <c>grant_scopes</c>, <c>rate_limit</c>, <c>approval_expires_in</c>, <c>sender_constraint</c>.</summary>
internal sealed partial class PolicyRuleReader
{
    private static readonly string[] RateLimitKeys = ["per", "max", "window"];

    private CelProgram? _condition;
    private PolicyYamlNode? _conditionNode;
    private List<string>? _grantScopes;
    private PolicyYamlNode? _grantScopesNode;
    private RateLimit? _rateLimit;
    private PolicyYamlNode? _rateLimitNode;
    private TimeSpan? _approvalExpiresIn;
    private PolicyYamlNode? _approvalNode;
    private SenderConstraintRequirement? _senderConstraint;
    private PolicyYamlNode? _senderConstraintNode;

    private bool ReadExtensionEntry(PolicyYamlScalar key, PolicyYamlNode value)
    {
        switch (key.Value)
        {
            case "when":
                // Compiled in CheckExtensions: which variables it may use depends on mcp:, which may come later.
                _conditionNode = value;
                return true;
            case "grant_scopes":
                _grantScopesNode = value;
                _grantScopes = ReadNames(value, "omit 'grant_scopes' to grant the requested scopes", PolicyNames.ScopeError);
                return true;
            case "rate_limit":
                _rateLimitNode = value;
                _rateLimit = ReadRateLimit(value);
                return true;
            case "sender_constraint":
                _senderConstraintNode = value;
                _senderConstraint = ReadEnum(value, "mtls, dpop or any", v => v switch
                {
                    "mtls" => SenderConstraintRequirement.Mtls,
                    "dpop" => SenderConstraintRequirement.Dpop,
                    "any" => SenderConstraintRequirement.Any,
                    _ => (SenderConstraintRequirement?)null,
                });
                return true;
            case "approval_expires_in":
                _approvalNode = value;
                _approvalExpiresIn = ReadDuration(value);
                return true;
            default:
                return ReadHttpEntry(key, value) || ReadMcpEntry(key, value);
        }
    }

    private void CheckExtensions(bool isDeny)
    {
        if (_conditionNode is not null)
        {
            _condition = ReadCondition(_conditionNode);
        }

        CheckHttp(isDeny);
        CheckMcp(isDeny);
        if (isDeny && _grantScopesNode is not null)
        {
            _problems.Add(PolicyYamlValues.At(_grantScopesNode, "a deny rule grants nothing, so grant_scopes does not apply; remove it"));
        }

        if (isDeny && _rateLimitNode is not null)
        {
            _problems.Add(PolicyYamlValues.At(_rateLimitNode, "a deny rule issues nothing to count, so rate_limit does not apply; remove it"));
        }

        if (isDeny && _senderConstraintNode is not null)
        {
            _problems.Add(PolicyYamlValues.At(_senderConstraintNode, "a deny rule issues nothing to bind, so sender_constraint does not apply; remove it"));
        }

        if (_effect != DecisionEffect.RequireApproval && _approvalNode is not null)
        {
            _problems.Add(PolicyYamlValues.At(_approvalNode, "approval_expires_in applies only to rules with effect: require_approval; remove it"));
        }

        if (_grantScopes is not null && _scopes is not null)
        {
            foreach (var extra in _grantScopes.Where(g => !_scopes.Contains(g, StringComparer.Ordinal)))
            {
                _problems.Add(PolicyYamlValues.At(_grantScopesNode!, $"grant_scopes may only narrow: '{extra}' is not in this rule's scopes ({string.Join(", ", _scopes)})"));
            }
        }
    }

    private PolicyRule WithExtensions(PolicyRule rule) => new(rule)
    {
        Condition = _condition,
        GrantScopes = _grantScopes,
        RateLimit = _rateLimit,
        ApprovalExpiresIn = _approvalExpiresIn ?? TimeSpan.FromMinutes(10),
        SenderConstraint = _senderConstraint ?? SenderConstraintRequirement.None,
        Http = _http,
        Mcp = _mcp,
    };

    private CelProgram? ReadCondition(PolicyYamlNode node)
    {
        var text = PolicyYamlValues.ReadString(node, _problems);
        if (text is null)
        {
            return null;
        }

        var isMcp = _mcpNode is not null;
        var (program, problems) = CelProgram.Compile(text, isMcp ? McpCallContext.Environment : PolicyExpressionContext.Environment);
        var scalar = (PolicyYamlScalar)node;
        foreach (var problem in problems)
        {
            var (line, column) = MapPosition(scalar, problem);
            _problems.Add(new PolicyProblem(node.Path, line, column, "condition: " + ExplainContext(problem.Message, isMcp)));
        }

        return program;
    }

    /// <summary>Says why a name is unknown when it belongs to the other kind of rule.</summary>
    private static string ExplainContext(string message, bool isMcp)
    {
        if (!isMcp && message.StartsWith("unknown name 'mcp'", StringComparison.Ordinal))
        {
            return "'mcp' is known only in rules with an mcp: key (rules that decide MCP tool calls); " + message;
        }

        var exchangeOnly = PolicyExpressionContext.Environment.Variables.Keys.FirstOrDefault(k => message.StartsWith($"unknown name '{k}'", StringComparison.Ordinal));
        return isMcp && exchangeOnly is not null
            ? $"'{exchangeOnly}' is known only when a credential is requested, not in rules with mcp: (they decide MCP tool calls); " + message
            : message;
    }

    /// <summary>Maps a position inside the expression to the policy file, by how the scalar was written.</summary>
    private static (int Line, int Column) MapPosition(PolicyYamlScalar scalar, CelDiagnostic problem) => scalar.Style switch
    {
        // Block scalars (| or >) start on the next line, at the block's indentation.
        PolicyScalarStyle.Block => (scalar.Line + problem.Line, scalar.BlockIndent + problem.Column),
        // Quoted: one column for the opening quote (escapes inside the string are not accounted for).
        PolicyScalarStyle.Quoted => problem.Line == 1 ? (scalar.Line, scalar.Column + problem.Column) : (scalar.Line + problem.Line - 1, problem.Column),
        _ => problem.Line == 1 ? (scalar.Line, scalar.Column + problem.Column - 1) : (scalar.Line + problem.Line - 1, problem.Column),
    };

    private RateLimit? ReadRateLimit(PolicyYamlNode node)
    {
        if (node is not PolicyYamlMapping mapping)
        {
            _problems.Add(PolicyYamlValues.At(node, $"must be a mapping such as {{per: user, max: 5, window: 1h}}, found {node.Kind}"));
            return null;
        }

        RateLimitPer? per = null;
        int? max = null;
        TimeSpan? window = null;
        foreach (var (key, value) in mapping.Entries)
        {
            switch (key.Value)
            {
                case "per":
                    per = ReadEnum(value, "user, agent, tenant, run or tool", v => v switch
                    {
                        "user" => RateLimitPer.User,
                        "agent" => RateLimitPer.Agent,
                        "tenant" => RateLimitPer.Tenant,
                        "run" => RateLimitPer.Run,
                        "tool" => RateLimitPer.Tool,
                        _ => (RateLimitPer?)null,
                    });
                    break;
                case "max":
                    var text = PolicyYamlValues.ReadString(value, _problems);
                    if (text is not null && (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m) || m < 1))
                    {
                        _problems.Add(PolicyYamlValues.At(value, $"max must be a whole number of at least 1, found '{text}'"));
                    }
                    else if (text is not null)
                    {
                        max = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
                    }

                    break;
                case "window":
                    window = ReadDuration(value);
                    break;
                default:
                    PolicyYamlValues.ReportUnknownKey(key, RateLimitKeys, _problems);
                    break;
            }
        }

        foreach (var (name, value) in new (string, object?)[] { ("per", per), ("max", max), ("window", window) })
        {
            if (value is null && !mapping.Entries.Any(e => e.Key.Value == name))
            {
                _problems.Add(PolicyYamlValues.At(mapping, $"rate_limit is missing '{name}' (e.g. {{per: user, max: 5, window: 1h}})"));
            }
        }

        return per is null || max is null || window is null ? null : new RateLimit(per.Value, max.Value, window.Value);
    }
}
