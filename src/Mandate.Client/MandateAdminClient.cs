using System.Net.Http.Json;
using System.Text.Json;

namespace Mandate.Client;

/// <summary>
/// The operator API on the broker's admin Unix socket (revocations, status). Access is controlled by
/// the socket file's permissions, so this runs as the broker's user on the broker's host. A refusal is a
/// <see cref="MandateErrorException"/> with the broker's error and <c>check_id</c>; an answer of the wrong shape is one
/// with <c>invalid_response</c> naming the endpoint, never a parser exception.
/// </summary>
public sealed class MandateAdminClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Connects to the admin socket at <paramref name="socketPath"/> (the broker's admin_socket setting).</summary>
    public MandateAdminClient(string socketPath)
    {
        _http = UnixSocketHttpClient.Create(socketPath, "mandate-admin");
    }

    private static string By => $"admin:{Environment.UserName}";

    /// <summary>Revokes every credential matching the target (token, run, agent, tenant, user); returns the revocation record.</summary>
    public Task<JsonElement> RevokeAsync(string target, string value, string? reason, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "admin/revocations", JsonContent.Create(new { target, value, reason, by = By }), AdminAnswer.Object, cancellationToken);

    /// <summary>Ends a run and every run below it; returns the ids of the runs that were still open.</summary>
    public Task<IReadOnlyList<string>> EndRunAsync(string runId, string? reason, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"admin/runs/{Uri.EscapeDataString(runId)}/end", JsonContent.Create(new { reason, by = By }), AdminAnswer.Strings("ended"), cancellationToken);

    /// <summary>Lifts an agent's kill switch.</summary>
    public Task EnableAgentAsync(string agent, string? reason, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "admin/agents/enable", JsonContent.Create(new { agent, reason, by = By }), _ => true, cancellationToken);

    /// <summary>Signs the audit chain head into the checkpoint file now: <c>written</c> false when the head has not moved since the last one.</summary>
    public Task<JsonElement> WriteAuditCheckpointAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "admin/audit/checkpoint", null, AdminAnswer.Object, cancellationToken);

    /// <summary>The broker's node, issuer, policy version and keys.</summary>
    public Task<JsonElement> StatusAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "admin/status", null, AdminAnswer.Object, cancellationToken);

    /// <summary>Approvals, newest first; <paramref name="status"/> filters (pending, approved, denied, consumed).</summary>
    public Task<JsonElement> ListApprovalsAsync(string? status, CancellationToken cancellationToken = default)
    {
        var query = status is null ? "" : "?status=" + Uri.EscapeDataString(status);
        return SendAsync(HttpMethod.Get, "admin/approvals" + query, null, AdminAnswer.Array, cancellationToken);
    }

    /// <summary>
    /// A one-time admin login URL for the web console (single use, expires in ten minutes); the broker refuses it
    /// when the console is off or <c>environment</c> is production.
    /// </summary>
    public Task<(Uri Url, DateTimeOffset ExpiresAt)> CreateConsoleLoginAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "admin/console/login", null, AdminAnswer.ConsoleLogin, cancellationToken);

    /// <summary>Approves (or denies) a pending approval as <paramref name="approver"/>, with an optional reason.</summary>
    public Task<JsonElement> DecideApprovalAsync(string id, bool approve, string approver, string? reason, CancellationToken cancellationToken = default)
    {
        var path = $"admin/approvals/{Uri.EscapeDataString(id)}/{(approve ? "approve" : "deny")}";
        return SendAsync(HttpMethod.Post, path, JsonContent.Create(new { approver, reason }), AdminAnswer.Object, cancellationToken);
    }

    /// <summary>Creates a SPIFFE registration entry: processes matching ALL <paramref name="selectors"/> get SVIDs for <paramref name="spiffeId"/>.</summary>
    public Task<JsonElement> CreateEntryAsync(string spiffeId, IReadOnlyList<string> selectors, string? x509Ttl, string? jwtTtl, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "admin/entries", JsonContent.Create(new { spiffe_id = spiffeId, selectors, x509_ttl = x509Ttl, jwt_ttl = jwtTtl, by = By }), AdminAnswer.Object, cancellationToken);

    /// <summary>Stores <paramref name="value"/> as the tool's vaulted secret; returns metadata only (tool, version, created_at).</summary>
    public Task<JsonElement> SetSecretAsync(string tool, byte[] value, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(value);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        return SendAsync(HttpMethod.Put, $"admin/secrets/{Uri.EscapeDataString(tool)}?by={Uri.EscapeDataString(By)}", content, AdminAnswer.Object, cancellationToken);
    }

    /// <summary>All registration entries, oldest first.</summary>
    public Task<JsonElement> ListEntriesAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "admin/entries", null, AdminAnswer.Array, cancellationToken);

    /// <summary>Metadata of every vaulted secret (never a value).</summary>
    public Task<JsonElement> ListSecretsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "admin/secrets", null, AdminAnswer.Array, cancellationToken);

    /// <summary>Deletes a registration entry; processes it matched get no new SVIDs (ones already issued expire on their own).</summary>
    public Task<JsonElement> DeleteEntryAsync(string id, string? reason, CancellationToken cancellationToken = default)
    {
        var query = $"?by={Uri.EscapeDataString(By)}" + (reason is null ? "" : "&reason=" + Uri.EscapeDataString(reason));
        return SendAsync(HttpMethod.Delete, $"admin/entries/{Uri.EscapeDataString(id)}{query}", null, AdminAnswer.Object, cancellationToken);
    }

    /// <summary>Deletes the tool's vaulted secret; the proxy refuses its calls from then on.</summary>
    public Task<JsonElement> DeleteSecretAsync(string tool, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"admin/secrets/{Uri.EscapeDataString(tool)}?by={Uri.EscapeDataString(By)}", null, AdminAnswer.Object, cancellationToken);

    /// <summary>
    /// Rotates signing keys now: <paramref name="purpose"/> (null: the token-signing keys); <paramref name="compromised"/>
    /// makes a new key sign at once and stops the broker trusting the old ones. The answer lists each rotation.
    /// </summary>
    public Task<JsonElement> RotateKeysAsync(string? purpose, bool compromised, string? reason, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "admin/keys/rotate", JsonContent.Create(new { purpose, compromised, reason, by = By }), AdminAnswer.Object, cancellationToken);

    /// <summary>Every stored key of the purposes the broker holds, with its state (next, active, superseded, retired).</summary>
    public Task<JsonElement> ListKeysAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "admin/keys", null, AdminAnswer.Array, cancellationToken);

    /// <summary>Closes the connection pool.</summary>
    public void Dispose() => _http.Dispose();

    /// <summary>Sends one admin request and reads its answer with <paramref name="read"/>; an answer it cannot read is <c>invalid_response</c>.</summary>
    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        // The endpoint without its query, which carries operator input only.
        var endpoint = $"{method} /{path.Split('?')[0]}";
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await _http.SendAsync(request, cancellationToken);
        try
        {
            using var json = await MandateClient.ReadAsync(response, endpoint, cancellationToken);
            return read(json.RootElement);
        }
        catch (JsonException e)
        {
            throw new MandateErrorException(
                "invalid_response",
                $"the broker's answer to {endpoint} (HTTP {(int)response.StatusCode}) is not what the admin API returns ({e.Message}); check that the socket is this Mandate version's admin socket",
                (int)response.StatusCode);
        }
    }
}
