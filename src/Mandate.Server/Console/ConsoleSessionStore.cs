using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mandate.Server.Console;

/// <summary>
/// Console sessions held in the broker's memory; the cookie carries only a random key. Signing out removes the
/// session here, so a copy of the cookie taken before is refused afterwards (OWASP ASVS 5.0 7.4.1: a terminated
/// session cannot be used again), which a self-contained cookie cannot do. However active, a session ends
/// <c>console.session_max</c> after its sign-in (ASVS 7.3.2), so the role read then is read again. Like the cookie keys,
/// a restart ends every session.
/// </summary>
internal sealed class ConsoleSessionStore(TimeProvider time, TimeSpan sessionMax) : ITicketStore
{
    // The claim by which the cookie handler names the session a cookie stands for.
    private const string SessionIdClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        // Sign-ins are rare and need a valid login, so dropping ended sessions here keeps the map small.
        var now = time.GetUtcNow();
        foreach (var (key, held) in _sessions)
        {
            if (held.EndedAt(now, sessionMax))
            {
                _sessions.TryRemove(key, out _);
            }
        }

        // 256 random bits: a new key at every sign-in, so no key chosen before it (fixation) is ever a session.
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _sessions[id] = new Session(ticket, now);
        return Task.FromResult(id);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        // Only a session still held is renewed, and it keeps its sign-in time: a request racing its sign-out must not
        // bring it back, and activity must not stretch it past session_max.
        if (_sessions.TryGetValue(key, out var held))
        {
            _sessions.TryUpdate(key, held with { Ticket = ticket }, held);
        }

        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (!_sessions.TryGetValue(key, out var held))
        {
            return Task.FromResult<AuthenticationTicket?>(null);
        }

        if (held.EndedAt(time.GetUtcNow(), sessionMax))
        {
            _sessions.TryRemove(key, out _);
            return Task.FromResult<AuthenticationTicket?>(null);
        }

        return Task.FromResult<AuthenticationTicket?>(held.Ticket);
    }

    public Task RemoveAsync(string key)
    {
        _sessions.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Before a sign-in through the identity provider completes, ends the session whose cookie the browser presented, if
    /// any (OWASP session management: a new session at every sign-in, the previous one ended on the server). The cookie
    /// handler would otherwise sign in under that session's key, so the old cookie would carry the new sign-in.
    /// </summary>
    public static async Task EndPresentedAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        if (options.SessionStore is { } store
            && options.CookieManager.GetRequestCookie(http, options.Cookie.Name!) is { Length: > 0 } cookie
            && options.TicketDataFormat.Unprotect(cookie)?.Principal.FindFirst(SessionIdClaim)?.Value is { } key)
        {
            await store.RemoveAsync(key);
        }
    }

    private sealed record Session(AuthenticationTicket Ticket, DateTimeOffset SignedInAt)
    {
        public bool EndedAt(DateTimeOffset now, TimeSpan max) =>
            now >= SignedInAt + max || (Ticket.Properties.ExpiresUtc is { } idleEnd && idleEnd <= now);
    }
}
