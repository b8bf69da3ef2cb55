using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Testing;

/// <summary>Tokens made outside Auth, to prove what the services refuse: signed with the server's own newest key, or not at all.</summary>
public static class TokenForge
{
    public static string SignedByServer(ChatServer server, string username, string issuer = "chat", string audience = "chat-api", bool expired = false)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(Directory.GetFiles(Path.Combine(server.DataDir, "keys"), "es256-*.pem").Max()!));
        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        var now = DateTime.UtcNow - (expired ? TimeSpan.FromHours(2) : TimeSpan.Zero);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, Subject = new ClaimsIdentity([new Claim("sub", username)]),
            IssuedAt = now, NotBefore = now, Expires = now + TimeSpan.FromHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public static string Unsigned(string username)
    {
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return $"{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}.{Base64UrlEncoder.Encode("{\"sub\":\"" + username + "\",\"iss\":\"chat\",\"aud\":\"chat-api\",\"exp\":" + exp + "}")}.";
    }

    /// <summary>The same token with one character of its payload changed.</summary>
    public static string Tampered(string token)
    {
        var parts = token.Split('.');
        var payload = parts[1].ToCharArray();
        payload[payload.Length / 2] = payload[payload.Length / 2] == 'A' ? 'B' : 'A';
        return $"{parts[0]}.{new string(payload)}.{parts[2]}";
    }
}
