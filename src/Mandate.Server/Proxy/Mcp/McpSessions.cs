using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Introspection;
using Mandate.Core.Keys;
using Mandate.Mcp;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// Binds the MCP sessions of protocol revisions before 2026-07-28 (which has none) to the caller that opened them (MCP security best
/// practices §Session Hijacking: session ids bound to the user, never used to authenticate). Every agent presents the
/// same vaulted key to a kind secret MCP server, so the server cannot tell whose session an id is; the gateway can.
/// The agent sees <c>{upstream id}.{tag}</c>, the tag an HMAC over the server, agent, tenant, user, run and upstream id
/// under a key derived from the key-encryption key: stateless, and the same on every broker node. The run is bound too: a
/// session holds what one run did (its tools' state, its pending requests), and another run of the same agent for the
/// same user has its own authority, its own audit trail and its own revocation.
/// </summary>
internal sealed class McpSessions
{
    /// <summary>The HKDF info label; changing it ends every session in circulation (clients start a new one on 404).</summary>
    public const string Purpose = "mandate/mcp-session/v1";

    private const int TagBytes = 16;

    private readonly byte[] _key;

    public McpSessions(KeyEncryptionKey kek)
    {
        ArgumentNullException.ThrowIfNull(kek);
        _key = kek.DeriveKey(Purpose);
    }

    /// <summary>
    /// Checks the request's <c>Mcp-Session-Id</c>, if any, and puts the upstream's id in its place. A session this caller
    /// did not open through the gateway for this server (another agent's, tenant's, user's or run's, or a made-up one) is 404,
    /// as for a session that ended (streamable HTTP §Session Management: the client then starts a new session). Under a
    /// revision without sessions (<paramref name="sessions"/> false: 2026-07-28) the id is removed unread.
    /// </summary>
    public ProxyRefusal? Resolve(HttpRequest request, string tool, IssuedToken caller, bool sessions = true)
    {
        if (!sessions)
        {
            // Streamable HTTP 2026-07-28 §Backward Compatibility: an Mcp-Session-Id on a request is ignored, so not looked up,
            // not refused and not forwarded (an upstream speaking an older revision too must not take it as a session).
            request.Headers.Remove(McpHeaderNames.SessionId);
            return null;
        }

        var presented = request.Headers[McpHeaderNames.SessionId];
        if (presented.Count == 0)
        {
            return null;
        }

        if (presented.Count > 1)
        {
            return ProxyRefusal.BadRequest(McpGatewayChecks.InvalidRequest, "Mcp-Session-Id was sent more than once; send the one session id the server gave");
        }

        if (Unbind(tool, caller, presented[0] ?? "") is not { } upstreamId)
        {
            return ProxyRefusal.NotFound(McpGatewayChecks.SessionUnknown, $"the Mcp-Session-Id is not a session of MCP server '{tool}' opened through this gateway by this agent for this tenant, user and run; start a new session with initialize") with { Title = "unknown MCP session" };
        }

        request.Headers[McpHeaderNames.SessionId] = upstreamId;
        return null;
    }

    /// <summary>
    /// What the agent gets for an upstream <c>Mcp-Session-Id</c> under 2026-07-28: nothing (streamable HTTP 2026-07-28
    /// §Backward Compatibility: do not mint or echo session ids), so a client cannot take that revision for one with sessions.
    /// </summary>
    public static string? NotRelayed(string upstreamId) => null;

    /// <summary>
    /// The session id the agent gets for the upstream's <paramref name="upstreamId"/>; null (not relayed, so the client
    /// opens no session) for an id that is empty or has a character outside visible ASCII.
    /// </summary>
    public string? Bind(string tool, IssuedToken caller, string upstreamId) =>
        // Streamable HTTP 2025-11-25 §Session Management: the session ID MUST only contain visible ASCII (0x21 to 0x7E).
        upstreamId.Length > 0 && upstreamId.All(c => c is >= '\x21' and <= '\x7E') ? upstreamId + "." + Tag(tool, caller, upstreamId) : null;

    /// <summary>The upstream's session id, or null when <paramref name="presented"/> was not bound to this caller for this server.</summary>
    public string? Unbind(string tool, IssuedToken caller, string presented)
    {
        var dot = presented.LastIndexOf('.');
        if (dot <= 0)
        {
            return null;
        }

        var upstreamId = presented[..dot];
        var expected = Encoding.UTF8.GetBytes(Tag(tool, caller, upstreamId));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(presented[(dot + 1)..])) ? upstreamId : null;
    }

    private string Tag(string tool, IssuedToken caller, string upstreamId)
    {
        // Length-prefixed parts: no two different (tenant, user, …) can spell the same message.
        var message = new StringBuilder();
        foreach (var part in new[] { tool, caller.Agent, caller.Tenant, caller.User ?? "", caller.Run, upstreamId })
        {
            message.Append(part.Length).Append(':').Append(part);
        }

        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(message.ToString()));
        return Base64Url.EncodeToString(mac.AsSpan(0, TagBytes));
    }
}
