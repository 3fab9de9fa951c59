using System.Diagnostics.Metrics;
using Mandate.Core.Telemetry;

namespace Mandate.Server.Telemetry;

/// <summary>
/// What the listeners turned away before a request was answered: connections over <c>limits.max_connections</c>, and
/// refused client certificates (audited once per connection, counted here every time). Kestrel's own
/// <c>kestrel.rejected_connections</c> counts only its server-wide cap, which the broker does not use.
/// </summary>
internal static class ListenerMetrics
{
    public const string ListenerAttribute = "mandate.listener";
    public const string AuditedAttribute = "mandate.audited";

    private static readonly Counter<long> ConnectionsRejected = MandateTelemetry.Meter.CreateCounter<long>(
        "mandate.connections.rejected", "{connection}", "Connections closed unanswered because their listener had limits.max_connections open, by listener");

    private static readonly Counter<long> CertificatesRefused = MandateTelemetry.Meter.CreateCounter<long>(
        "mandate.client_certificates.refused", "{request}", "Requests refused for their client certificate; mandate.audited false for the repeats on a connection whose refusal is already audited");

    private static readonly KeyValuePair<string, object?> Audited = new(AuditedAttribute, true);
    private static readonly KeyValuePair<string, object?> NotAudited = new(AuditedAttribute, false);

    /// <summary>The <c>mandate.listener</c> attribute of a listener: <c>oauth</c>, <c>proxy</c> or <c>console</c>.</summary>
    public static KeyValuePair<string, object?> Listener(string name) => new(ListenerAttribute, name);

    public static void ConnectionRejected(KeyValuePair<string, object?> listener) => ConnectionsRejected.Add(1, listener);

    public static void CertificateRefused(bool audited) => CertificatesRefused.Add(1, audited ? Audited : NotAudited);
}
