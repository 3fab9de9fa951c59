using System.Net.Http.Json;
using System.Text.Json;

namespace Mandate.Client;

/// <summary>
/// The operator API on the broker's admin Unix socket (revocations, status). Access is controlled by
/// the socket file's permissions, so this runs as the broker's user on the broker's host.
/// </summary>
public sealed class MandateAdminClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Connects to the admin socket at <paramref name="socketPath"/> (the broker's admin_socket setting).</summary>
    public MandateAdminClient(string socketPath)
    {
        _http = UnixSocketHttpClient.Create(socketPath, "mandate-admin");
    }

    /// <summary>Revokes every credential matching the target (token, run, agent, tenant, user); returns the revocation record.</summary>
    public async Task<JsonElement> RevokeAsync(string target, string value, string? reason, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("admin/revocations", new { target, value, reason, by = $"admin:{Environment.UserName}" }, cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.Clone();
    }

    /// <summary>Ends a run and every run below it; returns the ids of the runs that were still open.</summary>
    public async Task<IReadOnlyList<string>> EndRunAsync(string runId, string? reason, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync($"admin/runs/{Uri.EscapeDataString(runId)}/end", new { reason, by = $"admin:{Environment.UserName}" }, cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.GetProperty("ended").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    /// <summary>Lifts an agent's kill switch.</summary>
    public async Task EnableAgentAsync(string agent, string? reason, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("admin/agents/enable", new { agent, reason, by = $"admin:{Environment.UserName}" }, cancellationToken);
        (await MandateClient.ReadAsync(response, cancellationToken)).Dispose();
    }

    /// <summary>Signs the audit chain head into the checkpoint file now: <c>written</c> false when the head has not moved since the last one.</summary>
    public async Task<JsonElement> WriteAuditCheckpointAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsync("admin/audit/checkpoint", content: null, cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.Clone();
    }

    /// <summary>The broker's node, issuer, policy version and keys.</summary>
    public async Task<JsonElement> StatusAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync("admin/status", cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.Clone();
    }

    /// <summary>Approvals, newest first; <paramref name="status"/> filters (pending, approved, denied, consumed).</summary>
    public async Task<JsonElement> ListApprovalsAsync(string? status, CancellationToken cancellationToken = default)
    {
        var query = status is null ? "" : "?status=" + Uri.EscapeDataString(status);
        using var response = await _http.GetAsync("admin/approvals" + query, cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.Clone();
    }

    /// <summary>
    /// A one-time admin login URL for the web console (single use, expires in ten minutes); the broker refuses it
    /// when the console is off or <c>environment</c> is production.
    /// </summary>
    public async Task<(Uri Url, DateTimeOffset ExpiresAt)> CreateConsoleLoginAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsync("admin/console/login", null, cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return (new Uri(json.RootElement.GetProperty("url").GetString()!), json.RootElement.GetProperty("expires_at").GetDateTimeOffset());
    }

    /// <summary>Approves (or denies) a pending approval as <paramref name="approver"/>, with an optional reason.</summary>
    public async Task<JsonElement> DecideApprovalAsync(string id, bool approve, string approver, string? reason, CancellationToken cancellationToken = default)
    {
        var path = $"admin/approvals/{Uri.EscapeDataString(id)}/{(approve ? "approve" : "deny")}";
        using var response = await _http.PostAsJsonAsync(path, new { approver, reason }, cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.Clone();
    }

    /// <summary>Creates a SPIFFE registration entry: processes matching ALL <paramref name="selectors"/> get SVIDs for <paramref name="spiffeId"/>.</summary>
    public async Task<JsonElement> CreateEntryAsync(string spiffeId, IReadOnlyList<string> selectors, string? x509Ttl, string? jwtTtl, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("admin/entries", new { spiffe_id = spiffeId, selectors, x509_ttl = x509Ttl, jwt_ttl = jwtTtl, by = $"admin:{Environment.UserName}" }, cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.Clone();
    }

    /// <summary>Stores <paramref name="value"/> as the tool's vaulted secret; returns metadata only (tool, version, created_at).</summary>
    public async Task<JsonElement> SetSecretAsync(string tool, byte[] value, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(value);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var response = await _http.PutAsync($"admin/secrets/{Uri.EscapeDataString(tool)}?by={Uri.EscapeDataString($"admin:{Environment.UserName}")}", content, cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.Clone();
    }

    /// <summary>All registration entries, oldest first.</summary>
    public async Task<JsonElement> ListEntriesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync("admin/entries", cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.Clone();
    }

    /// <summary>Metadata of every vaulted secret (never a value).</summary>
    public async Task<JsonElement> ListSecretsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync("admin/secrets", cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.Clone();
    }

    /// <summary>Deletes a registration entry; processes it matched get no new SVIDs (ones already issued expire on their own).</summary>
    public async Task<JsonElement> DeleteEntryAsync(string id, string? reason, CancellationToken cancellationToken = default)
    {
        var query = $"?by={Uri.EscapeDataString($"admin:{Environment.UserName}")}" + (reason is null ? "" : "&reason=" + Uri.EscapeDataString(reason));
        using var response = await _http.DeleteAsync($"admin/entries/{Uri.EscapeDataString(id)}{query}", cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.Clone();
    }

    /// <summary>Deletes the tool's vaulted secret; the proxy refuses its calls from then on.</summary>
    public async Task<JsonElement> DeleteSecretAsync(string tool, CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync($"admin/secrets/{Uri.EscapeDataString(tool)}?by={Uri.EscapeDataString($"admin:{Environment.UserName}")}", cancellationToken);
        using var json = await MandateClient.ReadAsync(response, cancellationToken);
        return json.RootElement.Clone();
    }

    /// <summary>Closes the connection pool.</summary>
    public void Dispose() => _http.Dispose();
}
