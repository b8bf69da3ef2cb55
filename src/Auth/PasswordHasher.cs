using Chat.Shared.Http;
using Microsoft.Extensions.Options;

namespace Chat.Auth;

/// <summary>bcrypt at <see cref="AuthOptions.PasswordHashCost"/> (12 unless configured: load tests lower it, nothing else should).</summary>
internal sealed class PasswordHasher(IOptions<AuthOptions> options)
{
    private readonly int _cost = options.Value.PasswordHashCost;
    private string? _dummy;

    public string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, _cost);

    /// <summary>With no user, checks against a dummy hash, so a miss costs what a hit costs and names cannot be probed by timing.</summary>
    public bool Verify(string password, string? hash) =>
        BCrypt.Net.BCrypt.Verify(password, hash ?? (_dummy ??= Hash(Guid.NewGuid().ToString()))) && hash is not null;
}
