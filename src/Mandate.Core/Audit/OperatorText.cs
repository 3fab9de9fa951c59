using Mandate.Core.Protocol;
using Mandate.SenderConstraint.Jose;

namespace Mandate.Core.Audit;

/// <summary>
/// The one rule for free text a person types that the audit trail keeps (<c>by</c>, <c>reason</c>, <c>approver</c>), on the
/// admin API, the console and the CLI alike. The hash chain keeps a record for good, and <c>mandate audit query</c> prints
/// it on terminals, so text that could rewrite a terminal or reorder a line (controls, escape sequences, NUL, line breaks,
/// bidirectional and zero-width format characters) is refused, and so is a whole token pasted in (invariant 8), rather
/// than cleaned or cut: what is recorded is exactly what was typed.
/// </summary>
public static class OperatorText
{
    /// <summary>Longest text accepted, in UTF-16 code units; the console's reason field holds as much.</summary>
    public const int MaxLength = 500;

    /// <summary>The rule in words, for error messages (never repeats the value).</summary>
    public const string Rule = "at most 500 characters on one line, with no control characters (line breaks, tab, escape sequences, NUL), "
        + "no bidirectional or zero-width format characters, and no token: the audit trail keeps it for good, so name a token by its jti";

    /// <summary>
    /// Why <paramref name="value"/> cannot be recorded as <paramref name="field"/> (client-safe: names the field and the rule,
    /// never repeats the value), or null when it can. A missing or empty value is fine (the field is optional).
    /// </summary>
    public static string? Problem(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length > MaxLength)
        {
            return $"{field} is {value.Length} characters long; it must be {Rule} (it is refused, not cut)";
        }

        if (!IdentityText.IsAllowed(value))
        {
            return $"{field} holds a control or format character; it must be {Rule}";
        }

        return TokenRedaction.Holds(value) ? $"{field} holds a whole token; it must be {Rule}" : null;
    }

    /// <summary>
    /// As <see cref="Problem"/>, for a field that names who acted (<c>by</c>, <c>approver</c>): given but blank (empty or
    /// only white space), it would record nobody as the actor, so it is refused too. Missing (null) is fine: the caller
    /// records its default.
    /// </summary>
    public static string? ActorProblem(string field, string? value) =>
        value is not null && string.IsNullOrWhiteSpace(value)
            ? $"{field} is blank, which would record nobody as the actor; name who acts, or leave {field} out for the default"
            : Problem(field, value);
}
