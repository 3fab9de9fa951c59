using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Configuration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Mandate.Server.SenderConstraint;

/// <summary>
/// HTTPS on the OAuth listener with optional client certificates. Kestrel asks for a certificate but
/// accepts any: X.509-SVIDs are judged per trust domain by <see cref="ClientCertificateAuthenticator"/>,
/// which the platform's single trust store could not express. A missing certificate is not an error:
/// JWT-SVID callers keep working over the same port.
/// </summary>
internal static class TlsListener
{
    public static void Configure(ListenOptions listen, TlsOptions tls)
    {
        var certificate = X509Certificate2.CreateFromPemFile(tls.CertificateFile, tls.KeyFile);
        listen.Use(next => connection =>
        {
            RefusedCertificateRecord.Attach(connection);
            return next(connection);
        });
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = static (_, _, _) => true,
            CheckCertificateRevocation = false,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        });
    }
}
