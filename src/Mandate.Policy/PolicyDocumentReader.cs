namespace Mandate.Policy;

/// <summary>Validates the top level of a policy document and reads each rule.</summary>
internal static class PolicyDocumentReader
{
    private static readonly string[] Keys = ["rules"];

    public static List<PolicyRule> Read(PolicyYamlNode root, List<PolicyProblem> problems)
    {
        var rules = new List<PolicyRule>();
        if (root is not PolicyYamlMapping mapping)
        {
            problems.Add(PolicyYamlValues.At(root, $"a policy must be a mapping with a 'rules' list, found {root.Kind}"));
            return rules;
        }

        var sawRules = false;
        foreach (var (key, value) in mapping.Entries)
        {
            if (key.Value != "rules")
            {
                PolicyYamlValues.ReportUnknownKey(key, Keys, problems);
                continue;
            }

            sawRules = true;
            ReadRules(value, rules, problems);
        }

        if (!sawRules)
        {
            problems.Add(PolicyYamlValues.At(mapping, "missing required key 'rules' (write 'rules: []' to deny everything)"));
        }

        return rules;
    }

    private static void ReadRules(PolicyYamlNode value, List<PolicyRule> rules, List<PolicyProblem> problems)
    {
        // 'rules:' with nothing after it reads as null; it means the same as an empty list.
        if (value is PolicyYamlScalar { IsNull: true })
        {
            return;
        }

        if (value is not PolicyYamlSequence sequence)
        {
            problems.Add(PolicyYamlValues.At(value, $"'rules' must be a list of rules, found {value.Kind}"));
            return;
        }

        var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in sequence.Items.TakeWhile(_ => !PolicyParser.TooMany(problems)))
        {
            var rule = PolicyRuleReader.Read(item, seenIds, problems);
            if (rule is not null)
            {
                rules.Add(rule);
            }
        }
    }
}
