using System.Text;
using System.Text.RegularExpressions;

namespace Mandate.Core.Configuration;

/// <summary>
/// The <c>oidc_federation:</c> section of a <c>kind: oidc-federation</c> tool: the ID token's audience
/// (the cloud's federation endpoint expects it) and subject (what the cloud's trust policy matches).
/// </summary>
public sealed partial record OidcFederationToolOptions
{
    /// <summary>What <c>{user}</c> renders as for work without a user; the one user id that would render the same is refused.</summary>
    public const string NoUser = "none";

    /// <summary>Placeholders a subject template may use.</summary>
    public static readonly IReadOnlyList<string> Placeholders = ["{tenant}", "{agent}", "{run}", "{tool}", "{user}"];

    /// <summary>The characters that separate placeholders in a template: a rendered value other than the agent never holds one.</summary>
    public const string Separators = ":/";

    // The separators, the braces of a placeholder, and '%' itself so the encoding stays injective.
    private const string Escaped = "%:/{}";

    /// <summary>The template rule in words, for configuration errors.</summary>
    public const string TemplateRule = "every two placeholders are separated by fixed text holding ':' or '/', and {agent} appears at most once, "
        + "so no two callers render one sub";

    /// <summary>The token's <c>aud</c>, e.g. <c>sts.amazonaws.com</c>. Required.</summary>
    public required string Audience { get; init; }

    /// <summary>The token's <c>sub</c>: fixed text or a template such as <c>{tenant}:{agent}</c>. Default <c>{agent}</c>.</summary>
    public string Subject { get; init; } = "{agent}";

    /// <summary>Upper bound on the token's lifetime for this tool (policy and lifetimes.max may shorten it further). Optional.</summary>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>Whether the subject names the user, so work without one renders <see cref="NoUser"/>.</summary>
    public bool NamesUser => Subject.Contains("{user}", StringComparison.Ordinal);

    /// <summary>
    /// The subject for one credential; a missing user renders as <c>none</c>. One pass over the template, so a value is
    /// never substituted in turn. Every value but the agent is escaped (<see cref="Escape"/>): it holds no separator and
    /// no brace, so with <see cref="TemplateProblem"/>'s rule the sub reads back as exactly one set of values.
    /// </summary>
    public string RenderSubject(string tenant, string agent, string run, string tool, string? user) =>
        PlaceholderPattern().Replace(Subject, m => m.Value switch
        {
            "{tenant}" => Escape(tenant),
            // A SPIFFE ID, written as is so trust policies name it as registered; the rule lets only it hold separators.
            "{agent}" => agent,
            "{run}" => Escape(run),
            "{tool}" => Escape(tool),
            _ => user is null ? NoUser : Escape(user),
        });

    /// <summary>
    /// A value as the sub writes it: <c>%</c>, <c>:</c>, <c>/</c>, <c>{</c> and <c>}</c> percent-encoded (RFC 3986 §2.1,
    /// upper-case hex), everything else as it is. Injective, and the result holds no separator and no brace.
    /// </summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny(Escaped) < 0)
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (Escaped.Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>
    /// Why <paramref name="template"/> could render one sub for two different sets of values, or null when it cannot.
    /// Escaped values hold no separator, so each value before the agent ends at the first separator after it, each value
    /// after the agent starts after the last separator before it, and the one agent is what lies between.
    /// </summary>
    public static string? TemplateProblem(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var placeholders = PlaceholderPattern().Matches(template);
        if (placeholders.Count(p => p.Value == "{agent}") > 1)
        {
            return $"names {{agent}} more than once; {TemplateRule}";
        }

        for (var i = 1; i < placeholders.Count; i++)
        {
            var start = placeholders[i - 1].Index + placeholders[i - 1].Length;
            if (template.AsSpan(start, placeholders[i].Index - start).IndexOfAny(Separators) < 0)
            {
                return $"puts {placeholders[i - 1].Value} and {placeholders[i].Value} side by side without ':' or '/' between them; {TemplateRule}";
            }
        }

        return null;
    }

    [GeneratedRegex(@"\{(?:tenant|agent|run|tool|user)\}")]
    private static partial Regex PlaceholderPattern();
}
