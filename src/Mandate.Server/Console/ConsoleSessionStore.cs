using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Mandate.Server.Console;

/// <summary>
/// Console sessions held in the broker's memory; the cookie carries only a random key. Signing out removes the
/// session here, so a copy of the cookie taken before is refused afterwards (OWASP ASVS 5.0 7.4.1: a terminated
/// session cannot be used again), which a self-contained cookie cannot do. Like the cookie keys, a restart ends
/// every session.
/// </summary>
internal sealed class ConsoleSessionStore(TimeProvider time) : ITicketStore
{
    private readonly ConcurrentDictionary<string, AuthenticationTicket> _sessions = new(StringComparer.Ordinal);

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        // Sign-ins are rare and need a valid login, so dropping idle sessions here keeps the map small.
        var now = time.GetUtcNow();
        foreach (var (key, held) in _sessions)
        {
            if (held.Properties.ExpiresUtc is { } expires && expires <= now)
            {
                _sessions.TryRemove(key, out _);
            }
        }

        // 256 random bits: a new key at every sign-in, so no key chosen before it (fixation) is ever a session.
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _sessions[id] = ticket;
        return Task.FromResult(id);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        // Only a session still held is renewed: a request racing its sign-out must not bring it back.
        if (_sessions.TryGetValue(key, out var held))
        {
            _sessions.TryUpdate(key, ticket, held);
        }

        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) =>
        Task.FromResult(_sessions.TryGetValue(key, out var ticket) ? ticket : null);

    public Task RemoveAsync(string key)
    {
        _sessions.TryRemove(key, out _);
        return Task.CompletedTask;
    }
}
