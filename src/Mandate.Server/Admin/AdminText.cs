using Mandate.Core.Audit;
using Mandate.Core.Secrets;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Admin;

/// <summary>The free text of an admin call that the audit trail keeps, held to <see cref="OperatorText"/> before anything changes.</summary>
internal static class AdminText
{
    /// <summary>
    /// The 400 (<c>admin.text_invalid</c>) naming the first field that breaks the rule, or null when all keep it; a blank
    /// <c>by</c> or <c>approver</c> breaks it too (<see cref="OperatorText.ActorProblem"/>), and so does a field holding a
    /// vaulted secret (<see cref="SecretVault.TextProblemAsync"/>).
    /// </summary>
    public static async Task<IResult?> RefusalAsync(SecretVault vault, CancellationToken cancellationToken, params (string Field, string? Value)[] fields)
    {
        foreach (var (field, value) in fields)
        {
            // The fields that name who acted must name someone when given.
            var problem = (field is "by" or "approver" ? OperatorText.ActorProblem(field, value) : OperatorText.Problem(field, value))
                ?? await vault.TextProblemAsync(field, value, cancellationToken);
            if (problem is not null)
            {
                return ProblemChecks.Problem(AdminChecks.TextInvalid, "invalid text", problem + "; nothing was changed", StatusCodes.Status400BadRequest);
            }
        }

        return null;
    }
}
