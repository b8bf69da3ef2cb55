using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// A push service over real HTTP, as a browser vendor runs one: each subscription is a URL under it,
/// with a key pair and auth secret made here as a browser makes them. It checks what RFC 8030/8291/8292
/// ask of a push itself — sharing no code with the sender — and keeps what it could decrypt.
/// </summary>
public sealed class FakePushService : IAsyncDisposable
{
    /// <summary>One push as received: the VAPID check's outcome and the decrypted JSON.</summary>
    public sealed record Push(string Subscription, bool VapidValid, string? VapidKey, string? Ttl, JsonNode? Body, string? Problem);

    public sealed record Subscription(string Name, string Endpoint, string P256dh, string Auth, ECDiffieHellman Key, byte[] Secret);

    private WebApplication _app = null!;
    private Uri _base = null!;
    private readonly ConcurrentDictionary<string, Subscription> _subscriptions = new();

    public ConcurrentQueue<Push> Pushes { get; } = new();

    /// <summary>The status to answer with, per subscription name and the n-th attempt to it (1-based).</summary>
    public Func<string, int, int> Answer { get; set; } = (_, _) => 201;

    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public int AttemptsTo(string name) => _attempts.GetValueOrDefault(name);

    public static async Task<FakePushService> StartAsync()
    {
        var service = new FakePushService();
        (service._app, service._base) = await LoopbackApp.StartAsync(app => app.MapPost("/push/{name}", service.ReceiveAsync));
        return service;
    }

    /// <summary>A new subscription, as <c>pushManager.subscribe()</c> would make it: a P-256 key pair and 16 random bytes.</summary>
    public Subscription Subscribe(string name)
    {
        var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        var secret = RandomNumberGenerator.GetBytes(16);
        var subscription = new Subscription(name, new Uri(_base, $"/push/{name}").ToString(), Base64Url.EncodeToString([0x04, .. q.X!, .. q.Y!]),
            Base64Url.EncodeToString(secret), key, secret);
        _subscriptions[name] = subscription;
        return subscription;
    }

    /// <summary>Scheme, host and port: what the notifications service keys its breaker by.</summary>
    public string Origin => _base.GetLeftPart(UriPartial.Authority);

    public IReadOnlyList<Push> To(string name) => Pushes.Where(p => p.Subscription == name).ToList();

    private async Task<IResult> ReceiveAsync(string name, HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var status = Answer(name, _attempts.AddOrUpdate(name, 1, (_, n) => n + 1));
        if (status is >= 200 and < 300)
        {
            var (valid, key) = VerifyVapid(request.Headers.Authorization.ToString(), _base);
            JsonNode? body = null;
            string? problem = null;
            try
            {
                if (request.Headers.ContentEncoding.ToString() != "aes128gcm") throw new InvalidDataException("Content-Encoding is not aes128gcm.");
                body = JsonNode.Parse(Decrypt(buffer.ToArray(), _subscriptions[name]));
            }
            catch (Exception e) when (e is CryptographicException or InvalidDataException or KeyNotFoundException or System.Text.Json.JsonException)
            {
                problem = e.Message;
            }
            Pushes.Enqueue(new Push(name, valid, key, request.Headers["TTL"].ToString(), body, problem));
        }
        return Results.StatusCode(status);
    }

    /// <summary>
    /// RFC 8292: <c>Authorization: vapid t=JWT, k=key</c>; the JWT is ES256, signed by the key in <c>k</c>,
    /// its <c>aud</c> this service's origin and its <c>exp</c> within the next 24 hours.
    /// </summary>
    private static (bool Valid, string? Key) VerifyVapid(string header, Uri origin)
    {
        if (!header.StartsWith("vapid ", StringComparison.Ordinal)) return (false, null);
        var parts = header["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var jwt) || !parts.TryGetValue("k", out var k)) return (false, null);
        var segments = jwt.Split('.');
        if (segments.Length != 3) return (false, k);
        var point = Base64Url.DecodeFromChars(k);
        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
        var signed = ecdsa.VerifyData(Encoding.ASCII.GetBytes($"{segments[0]}.{segments[1]}"), Base64Url.DecodeFromChars(segments[2]), HashAlgorithmName.SHA256);
        var head = JsonNode.Parse(Base64Url.DecodeFromChars(segments[0]))!;
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(segments[1]))!;
        var exp = DateTimeOffset.FromUnixTimeSeconds(claims["exp"]!.GetValue<long>());
        var valid = signed && head["alg"]!.GetValue<string>() == "ES256" && claims["aud"]!.GetValue<string>() == origin.GetLeftPart(UriPartial.Authority)
            && exp > DateTimeOffset.UtcNow && exp < DateTimeOffset.UtcNow.AddHours(24) && claims["sub"] is not null;
        return (valid, k);
    }

    /// <summary>RFC 8291 section 3 and RFC 8188 from the user agent's side, HKDF written out with HMAC-SHA256.</summary>
    private static string Decrypt(byte[] message, Subscription subscription)
    {
        var salt = message[..16];
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(16, 4));
        var keyIdLength = message[20];
        var serverKey = message[21..(21 + keyIdLength)];
        var ciphertext = message[(21 + keyIdLength)..];
        if (recordSize < 18 || ciphertext.Length > recordSize) throw new InvalidDataException("More than one record.");
        using var server = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = serverKey[1..33], Y = serverKey[33..] },
        });
        var ecdhSecret = subscription.Key.DeriveRawSecretAgreement(server.PublicKey);
        var userAgentKey = Base64Url.DecodeFromChars(subscription.P256dh);
        var prkKey = HMACSHA256.HashData(subscription.Secret, ecdhSecret);
        var ikm = HMACSHA256.HashData(prkKey, (byte[])[.. "WebPush: info\0"u8, .. userAgentKey, .. serverKey, 0x01]);
        var prk = HMACSHA256.HashData(salt, ikm);
        var contentKey = HMACSHA256.HashData(prk, (byte[])[.. "Content-Encoding: aes128gcm\0"u8, 0x01])[..16];
        var nonce = HMACSHA256.HashData(prk, (byte[])[.. "Content-Encoding: nonce\0"u8, 0x01])[..12];
        var plaintext = new byte[ciphertext.Length - 16];
        using var aes = new AesGcm(contentKey, 16);
        aes.Decrypt(nonce, ciphertext[..^16], ciphertext[^16..], plaintext);
        var end = plaintext.Length - 1;
        while (end >= 0 && plaintext[end] == 0) end--;
        if (end < 0 || plaintext[end] != 0x02) throw new InvalidDataException("No last-record delimiter.");
        return Encoding.UTF8.GetString(plaintext, 0, end);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        foreach (var s in _subscriptions.Values) s.Key.Dispose();
    }
}
