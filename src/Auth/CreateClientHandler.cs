
namespace Chat.Auth;

/// <summary>An integrator client for a request that passed its checks. Its secret is returned this once: only its hash is stored.</summary>
internal sealed class CreateClientHandler(IAccountStore metadata, TimeProvider clock)
{
    public async Task<(IntegratorClient Client, string Secret)> CreateAsync(CreateClientRequest body, CancellationToken ct)
    {
        var secret = TokenIssuer.NewSecret("cs_");
        var client = new IntegratorClient("ci_" + Guid.NewGuid().ToString("N")[..16], body.Name!.Trim(), TokenIssuer.Hash(secret),
            body.Scopes!.Select(s => s!).Distinct().ToList(), body.ActAs!.Select(u => u!.Trim().ToLowerInvariant()).Distinct().ToList(), clock.GetUtcNow());
        await metadata.TryCreateClientAsync(client, ct);
        return (client, secret);
    }
}
