namespace Mandate.Policy;

/// <summary>
/// Character rules for the names a policy contains. Each returns null when the name is fine, or
/// the message to report. Names end up in error descriptions and audit records, so they are kept
/// to characters that need no escaping there.
/// </summary>
internal static class PolicyNames
{
    private const int MaxLength = 128;

    public static string? RuleIdError(string id)
    {
        if (id.Length > MaxLength)
        {
            return $"rule id is longer than {MaxLength} characters";
        }

        return char.IsAsciiLetterOrDigit(id[0]) && id.All(IsNameChar)
            ? null
            : $"rule id '{id}' may contain only letters, digits, '.', '_', ':' and '-', and must start with a letter or digit";
    }

    public static string? ToolError(string tool)
    {
        if (tool == PolicyRule.AnyTool)
        {
            return null;
        }

        if (tool.Contains('*', StringComparison.Ordinal))
        {
            return $"tool '{tool}' is not valid: tool names are exact, and '*' on its own matches every tool";
        }

        return PlainNameError(tool);
    }

    public static string? ScopeError(string scope)
    {
        if (scope == "*")
        {
            return "'*' is not a scope; omit 'scopes' to mean any scope";
        }

        // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
        return scope.All(c => c is '!' or (>= '#' and <= '[') or (>= ']' and <= '~'))
            ? null
            : $"scope '{scope}' is not a valid OAuth scope token (printable ASCII without spaces, '\"' or '\\')";
    }

    /// <summary>Tool, tenant and environment names: letters, digits and <c>. _ : - /</c>.</summary>
    public static string? PlainNameError(string name)
    {
        if (name.Length > MaxLength)
        {
            return $"'{name[..16]}…' is longer than {MaxLength} characters";
        }

        return name.All(c => IsNameChar(c) || c == '/')
            ? null
            : $"'{name}' may contain only letters, digits, '.', '_', ':', '-' and '/'";
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';
}
