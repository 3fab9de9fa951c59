using Mandate.Core.Audit;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Admin;

/// <summary>The free text of an admin call that the audit trail keeps, held to <see cref="OperatorText"/> before anything changes.</summary>
internal static class AdminText
{
    /// <summary>The 400 (<c>admin.text_invalid</c>) naming the first field that breaks the rule, or null when all keep it.</summary>
    public static IResult? Refusal(params ReadOnlySpan<(string Field, string? Value)> fields)
    {
        foreach (var (field, value) in fields)
        {
            if (OperatorText.Problem(field, value) is { } problem)
            {
                return ProblemChecks.Problem(AdminChecks.TextInvalid, "invalid text", problem + "; nothing was changed", StatusCodes.Status400BadRequest);
            }
        }

        return null;
    }
}
