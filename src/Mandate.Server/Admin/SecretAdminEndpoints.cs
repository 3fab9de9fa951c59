using Mandate.Core.Secrets;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary>
/// The vault on the admin socket. PUT takes the value as the raw request body and answers with metadata
/// only; no endpoint ever returns a value, so nothing on this API can leak one.
/// </summary>
internal static class SecretAdminEndpoints
{
    public static void MapSecrets(this RouteGroupBuilder admin)
    {
        admin.MapGetAndHead("/secrets", ListAsync).NoQuery();
        // Who acted comes in the query: a misspelt or repeated by must be refused, not recorded as "admin" or "a,b".
        admin.MapPut("/secrets/{tool}", SetAsync).Strict(1, "by");
        admin.MapDelete("/secrets/{tool}", DeleteAsync).Strict(1, "by");
    }

    private static async Task<IResult> ListAsync(SecretVault vault, CancellationToken ct) =>
        Results.Json((await vault.ListAsync(ct)).Select(Json));

    private static async Task<IResult> SetAsync(HttpContext http, SecretVault vault, string tool, string? by, CancellationToken ct)
    {
        if (await AdminText.RefusalAsync(vault, ct, ("by", by)) is { } textProblem)
        {
            return textProblem;
        }

        if (vault.CannotHold(tool) is { } why)
        {
            return ProblemChecks.Problem(AdminChecks.SecretToolInvalid, "not a secret tool", why, StatusCodes.Status404NotFound);
        }

        if (await ClientRequestBody.ReadBoundedAsync(http.Request, SecretVault.MaxSecretBytes, ct) is not { } value)
        {
            return Invalid($"the secret is larger than {SecretVault.MaxSecretBytes} bytes");
        }

        if (value.Length == 0)
        {
            return Invalid("send the secret as the request body (mandate secrets set reads it from stdin)");
        }

        // The proxy masks the value wherever a response repeats it; a very short value would mask ordinary text.
        if (value.Length < SecretVault.MinSecretBytes)
        {
            return Invalid($"the secret is shorter than {SecretVault.MinSecretBytes} characters; vendor API keys are longer");
        }

        // It travels in an HTTP header: RFC 9110 §5.5 field values are visible ASCII, space and tab; no CR/LF.
        if (value.Any(b => b is < 0x20 and not 0x09 or >= 0x7f))
        {
            return Invalid("the secret must be printable ASCII on one line (it is sent in an HTTP header)");
        }

        return Results.Json(Json(await vault.SetAsync(tool, value, by ?? "admin", ct)), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> DeleteAsync(SecretVault vault, string tool, string? by, CancellationToken ct) =>
        await AdminText.RefusalAsync(vault, ct, ("by", by))
        ?? (await vault.DeleteAsync(tool, by ?? "admin", ct) is { } deleted
            ? Results.Json(Json(deleted))
            : ProblemChecks.Problem(AdminChecks.SecretUnknown, "no secret", $"tool '{tool}' has no vaulted secret; 'mandate secrets list' shows those that do", StatusCodes.Status404NotFound));

    private static object Json(SecretMetadata m) => new { tool = m.Tool, version = m.Version, created_at = m.CreatedAt, created_by = m.CreatedBy };

    private static IResult Invalid(string detail) =>
        ProblemChecks.Problem(AdminChecks.SecretInvalid, "invalid secret", detail + "; the value was not stored", StatusCodes.Status400BadRequest);
}
