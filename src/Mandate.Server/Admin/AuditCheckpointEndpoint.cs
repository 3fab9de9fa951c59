using Mandate.Core.Audit.Checkpoints;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Admin;

/// <summary><c>POST /admin/audit/checkpoint</c>: a signed checkpoint of the audit chain head now, on demand.</summary>
internal static class AuditCheckpointEndpoint
{
    public static async Task<IResult> WriteAsync(HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.RequestServices.GetService<AuditCheckpointWriter>() is not { } writer)
        {
            return ProblemChecks.Problem(AdminChecks.CheckpointsOff, "audit checkpoints are off", "set audit.checkpoints.file in mandate.yaml", StatusCodes.Status409Conflict);
        }

        var outcome = await writer.WriteAsync(cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            return ProblemChecks.Problem(AdminChecks.AuditChainBroken, "audit chain broken", refusal, StatusCodes.Status409Conflict);
        }

        return outcome.Written is not { } checkpoint
            ? Results.Json(new { written = false })
            : Results.Json(new { written = true, sequence = checkpoint.Sequence, hash = checkpoint.Hash, time = checkpoint.Time });
    }
}
