namespace Mandate.Policy;

/// <summary>
/// Validates one entry of <c>rules</c> and builds the <see cref="PolicyRule"/>. Every key is read
/// even after a problem, so a rule with three mistakes yields three problems.
/// </summary>
internal sealed partial class PolicyRuleReader
{
    internal static readonly string[] Keys =
        ["id", "reason", "effect", "agents", "tools", "scopes", "tenant", "subject", "environments", "max_lifetime", "when", "grant_scopes", "rate_limit", "approval_expires_in", "sender_constraint", "http", "mcp"];

    private readonly PolicyYamlMapping _mapping;
    private readonly List<PolicyProblem> _problems;
    private readonly int _problemsBefore;

    private string? _id;
    private string? _reason;
    private DecisionEffect? _effect;
    private List<AgentPattern>? _agents;
    private List<string>? _tools;
    private List<string>? _scopes;
    private TenantMatch? _tenant;
    private List<string> _tenants = [];
    private SubjectMatch? _subject;
    private List<string>? _environments;
    private TimeSpan? _maxLifetime;
    private PolicyYamlNode? _maxLifetimeNode;
    private PolicyYamlNode? _scopesNode;
    private PolicyYamlNode? _tenantNode;
    private PolicyYamlNode? _subjectNode;

    private PolicyRuleReader(PolicyYamlMapping mapping, List<PolicyProblem> problems)
    {
        _mapping = mapping;
        _problems = problems;
        _problemsBefore = problems.Count;
    }

    /// <summary>
    /// Reads one rule. <paramref name="seenIds"/> maps ids to the line that first used them, so
    /// duplicates are reported at the second use even when either rule has other problems.
    /// </summary>
    public static PolicyRule? Read(PolicyYamlNode node, Dictionary<string, int> seenIds, List<PolicyProblem> problems)
    {
        if (node is not PolicyYamlMapping mapping)
        {
            problems.Add(PolicyYamlValues.At(node, $"each rule must be a mapping with keys such as id, reason, effect, agents, tools; found {node.Kind}"));
            return null;
        }

        var reader = new PolicyRuleReader(mapping, problems);
        foreach (var (key, value) in mapping.Entries.TakeWhile(_ => !PolicyParser.TooMany(problems)))
        {
            reader.ReadEntry(key, value, seenIds);
        }

        return reader.Build();
    }

    private void ReadEntry(PolicyYamlScalar key, PolicyYamlNode value, Dictionary<string, int> seenIds)
    {
        switch (key.Value)
        {
            case "id":
                _id = ReadId(value, seenIds);
                break;
            case "reason":
                _reason = PolicyYamlValues.ReadString(value, _problems);
                break;
            case "effect":
                _effect = ReadEnum(value, "'allow', 'deny' or 'require_approval'", v => v switch
                {
                    "allow" => DecisionEffect.Allow,
                    "deny" => DecisionEffect.Deny,
                    "require_approval" => DecisionEffect.RequireApproval,
                    _ => (DecisionEffect?)null,
                });
                break;
            case "agents":
                _agents = ReadAgents(value);
                break;
            case "tools":
                _tools = ReadNames(value, "list tool names, or ['*'] for every tool", PolicyNames.ToolError);
                break;
            case "scopes":
                _scopesNode = value;
                _scopes = ReadNames(value, "omit 'scopes' to mean any scope", PolicyNames.ScopeError);
                break;
            case "tenant":
                _tenantNode = value;
                ReadTenant(value);
                break;
            case "subject":
                _subjectNode = value;
                _subject = ReadEnum(value, "'user', 'agent' or 'any'", v => v switch
                {
                    "user" => SubjectMatch.User,
                    "agent" => SubjectMatch.Agent,
                    "any" => SubjectMatch.Any,
                    _ => (SubjectMatch?)null,
                });
                break;
            case "environments":
                _environments = ReadNames(value, "omit 'environments' to mean every environment", PolicyNames.PlainNameError);
                break;
            case "max_lifetime":
                _maxLifetimeNode = value;
                _maxLifetime = ReadDuration(value);
                break;
            default:
                if (!ReadExtensionEntry(key, value))
                {
                    PolicyYamlValues.ReportUnknownKey(key, Keys, _problems);
                }

                break;
        }
    }

    private PolicyRule? Build()
    {
        RequirePresent(_id, "id", "a unique name such as 'support-refunds-own-tenant'");
        RequirePresent(_reason, "reason", "one sentence saying why the rule exists");
        RequirePresent(_effect, "effect", "'allow' or 'deny'");
        RequirePresent(_agents, "agents", "a list of agent SPIFFE IDs or patterns");
        RequirePresent(_tools, "tools", "a list of tool names, or ['*']");

        // Defaults narrow an allow and widen a deny, so leaving a key out never grants more.
        var isDeny = _effect == DecisionEffect.Deny;
        var subject = _subject ?? (isDeny ? SubjectMatch.Any : SubjectMatch.User);
        var tenant = _tenant ?? (isDeny ? TenantMatch.Any : TenantMatch.SameAsUser);

        if (isDeny && _maxLifetimeNode is not null)
        {
            _problems.Add(PolicyYamlValues.At(_maxLifetimeNode, "a deny rule issues no credential, so max_lifetime does not apply; remove it"));
        }

        // Only when tenant was omitted or valid: an invalid tenant was already reported on its own.
        var tenantKnown = _tenantNode is null || _tenant is not null;
        if (_effect == DecisionEffect.Allow && subject == SubjectMatch.Agent && tenant == TenantMatch.SameAsUser && tenantKnown)
        {
            var node = _tenantNode ?? _subjectNode ?? _mapping;
            var how = _tenantNode is null ? "tenant defaults to same_as_user" : "tenant is same_as_user";
            _problems.Add(PolicyYamlValues.At(node, $"this rule can never match: background work (subject: agent) has no user tenant, and {how}; set tenant to 'any' or a list of tenants"));
        }

        CheckExtensions(isDeny);
        if (_problems.Count > _problemsBefore)
        {
            return null;
        }

        return WithExtensions(new PolicyRule(
            _id!, _reason!, _effect!.Value, _agents!, _tools!, _scopes, tenant, _tenants, subject, _environments, _maxLifetime, _mapping.Line));
    }

    private void RequirePresent(object? value, string key, string expected)
    {
        if (value is null && !_mapping.Entries.Any(e => e.Key.Value == key))
        {
            _problems.Add(PolicyYamlValues.At(_mapping, $"missing required key '{key}' ({expected})"));
        }
    }

    private string? ReadId(PolicyYamlNode node, Dictionary<string, int> seenIds)
    {
        var id = PolicyYamlValues.ReadString(node, _problems);
        if (id is null)
        {
            return null;
        }

        var error = PolicyNames.RuleIdError(id);
        if (error is not null)
        {
            _problems.Add(PolicyYamlValues.At(node, error));
            return null;
        }

        if (!seenIds.TryAdd(id, node.Line))
        {
            _problems.Add(PolicyYamlValues.At(node, $"duplicate rule id '{id}' (first used on line {seenIds[id]}); ids must be unique"));
            return null;
        }

        return id;
    }

    private T? ReadEnum<T>(PolicyYamlNode node, string expected, Func<string, T?> parse)
        where T : struct
    {
        var text = PolicyYamlValues.ReadString(node, _problems);
        if (text is null)
        {
            return null;
        }

        var value = parse(text);
        if (value is null)
        {
            _problems.Add(PolicyYamlValues.At(node, $"must be {expected}, found '{text}'"));
        }

        return value;
    }

    private List<AgentPattern>? ReadAgents(PolicyYamlNode node)
    {
        var items = PolicyYamlValues.ReadList(node, "list at least one agent SPIFFE ID or pattern", _problems, out var complete);
        var patterns = new List<AgentPattern>(items.Count);
        foreach (var item in items.TakeWhile(_ => !PolicyParser.TooMany(_problems)))
        {
            if (AgentPattern.TryParse(item.Value, out var pattern, out var error))
            {
                patterns.Add(pattern!);
            }
            else
            {
                _problems.Add(PolicyYamlValues.At(item, $"agent pattern '{item.Value}' {error}"));
            }
        }

        return complete && patterns.Count == items.Count ? patterns : null;
    }

    private List<string>? ReadNames(PolicyYamlNode node, string emptyHint, Func<string, string?> validate)
    {
        var items = PolicyYamlValues.ReadList(node, emptyHint, _problems, out var complete);
        var names = new List<string>(items.Count);
        foreach (var item in items.TakeWhile(_ => !PolicyParser.TooMany(_problems)))
        {
            var error = validate(item.Value);
            if (error is null)
            {
                names.Add(item.Value);
            }
            else
            {
                _problems.Add(PolicyYamlValues.At(item, error));
            }
        }

        return complete && names.Count == items.Count ? names : null;
    }

    private void ReadTenant(PolicyYamlNode node)
    {
        if (node is PolicyYamlSequence)
        {
            var tenants = ReadNames(node, "write 'any' or 'same_as_user', or list tenant ids", PolicyNames.PlainNameError);
            if (tenants is not null)
            {
                _tenant = TenantMatch.Listed;
                _tenants = tenants;
            }

            return;
        }

        var text = PolicyYamlValues.ReadString(node, _problems);
        _tenant = text switch
        {
            null => null,
            "same_as_user" => TenantMatch.SameAsUser,
            "any" => TenantMatch.Any,
            _ => null,
        };
        if (text is not null && _tenant is null)
        {
            _problems.Add(PolicyYamlValues.At(node, $"must be same_as_user, any, or a list of tenant ids; found '{text}' (write [{text}] for one tenant)"));
        }
    }

    private TimeSpan? ReadDuration(PolicyYamlNode node)
    {
        var text = PolicyYamlValues.ReadString(node, _problems);
        if (text is null)
        {
            return null;
        }

        if (PolicyDuration.TryParse(text, out var value, out var error))
        {
            return value;
        }

        _problems.Add(PolicyYamlValues.At(node, error!));
        return null;
    }
}
