using Chat.Shared;

namespace Chat.Auth;

/// <summary>Registering a user whose name and password passed <see cref="CredentialRules"/>: the name is theirs unless it is taken.</summary>
internal sealed class RegisterUserHandler(IAccountStore metadata, PasswordHasher passwords, TimeProvider clock)
{
    public async Task<Outcome<User>> RegisterAsync(RegisterRequest body, CancellationToken ct)
    {
        var username = CredentialRules.Normalize(body.Username!);
        var user = new User(username, string.IsNullOrWhiteSpace(body.DisplayName) ? username : body.DisplayName.Trim(),
            passwords.Hash(body.Password!), clock.GetUtcNow());
        if (!await metadata.TryCreateUserAsync(user, ct)) return new Refusal.Conflict("username", $"The username '{username}' is taken.");
        return user;
    }
}
