using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.SenderConstraint;

/// <summary>
/// Whether the refusal of this TLS connection's client certificate is already in the audit log. The certificate is fixed
/// by the handshake, so one record proves every refusal on the connection; a record per request would let one
/// keep-alive connection with a self-signed certificate grow the store without bound. HTTP/2 streams of one connection
/// run concurrently, hence the atomic claim.
/// </summary>
internal sealed class RefusedCertificateRecord
{
    private const string Key = "mandate.refused-certificate-record";
    private int _claimed;

    /// <summary>Gives every connection of a TLS listener its record, before any request on it can read one.</summary>
    public static void Attach(ConnectionContext connection) => connection.Items[Key] = new RefusedCertificateRecord();

    /// <summary>The record of the request's connection; null where there is none (no TLS listener), and then every refusal is recorded.</summary>
    public static RefusedCertificateRecord? Of(HttpContext http) =>
        http.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(Key, out var record) == true ? record as RefusedCertificateRecord : null;

    /// <summary>True for the first refusal on the connection: that one writes the record.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

    /// <summary>The record could not be written (store outage): the next refusal on the connection tries again.</summary>
    public void Release() => Volatile.Write(ref _claimed, 0);
}
