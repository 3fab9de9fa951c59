namespace Mandate.Core.Configuration;

/// <summary><c>tls:</c> the HTTPS listener's certificate and private key, both PEM files.</summary>
public sealed record TlsOptions(string CertificateFile, string KeyFile);
