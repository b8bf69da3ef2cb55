using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Chat.Shared.Kafka;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.EndToEnd.Tests;

/// <summary>The world the bad requests are sent into: alice and bob share a conversation, carol is outside it.</summary>
public sealed class BadInputFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;
    public ApiClient Alice { get; private set; } = null!;
    public ApiClient Carol { get; private set; } = null!;
    public string Conversation { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ChatServer.StartAsync();
        Alice = await Server.Client().SignUpAsync("alice");
        await Server.Client().SignUpAsync("bob");
        Carol = await Server.Client().SignUpAsync("carol");
        Conversation = await Alice.CreateConversationAsync("direct", "bob");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class BadInputTests(BadInputFixture world) : IClassFixture<BadInputFixture>
{
    /// <summary>A request builder (given the conversation id), who sends it, and what must come back.</summary>
    public sealed record Case(string Name, Func<string, string> Body, HttpStatusCode Status, string Field, string Sender = "alice",
        string ContentType = "application/json", Func<string>? Token = null)
    {
        public override string ToString() => Name;
    }

    private static string Valid(string c, string extra = "") =>
        $$$"""{"conversation_id":"{{{c}}}","from":"alice","to":["bob"],"payload":{"type":"text","text":"hi"}{{{extra}}}}""";

    public static TheoryData<Case> Cases => new()
    {
        new("missing conversation_id", _ => """{"from":"alice","payload":{"type":"text","text":"hi"}}""", HttpStatusCode.BadRequest, "conversation_id"),
        new("missing from", c => $$$"""{"conversation_id":"{{{c}}}","payload":{"type":"text","text":"hi"}}""", HttpStatusCode.BadRequest, "from"),
        new("missing payload", c => $$"""{"conversation_id":"{{c}}","from":"alice"}""", HttpStatusCode.BadRequest, "payload"),
        new("missing payload.text", c => $$$"""{"conversation_id":"{{{c}}}","from":"alice","payload":{"type":"text"}}""", HttpStatusCode.BadRequest, "payload.text"),
        new("unknown payload.type", c => $$$"""{"conversation_id":"{{{c}}}","from":"alice","payload":{"type":"video","text":"x"}}""", HttpStatusCode.BadRequest, "payload.type"),
        new("unknown conversation", _ => Valid("no-such-conversation"), HttpStatusCode.NotFound, "conversation_id"),
        new("sender not a member", c => Valid(c).Replace("\"from\":\"alice\"", "\"from\":\"carol\""), HttpStatusCode.Forbidden, "from", Sender: "carol"),
        new("from is someone else", c => Valid(c).Replace("\"from\":\"alice\"", "\"from\":\"bob\""), HttpStatusCode.Forbidden, "from"),
        new("recipient not a member", c => Valid(c).Replace("[\"bob\"]", "[\"carol\"]"), HttpStatusCode.BadRequest, "to[0]"),
        new("empty to", c => Valid(c).Replace("[\"bob\"]", "[]"), HttpStatusCode.BadRequest, "to"),
        new("text too long", c => Valid(c).Replace("\"hi\"", $"\"{new string('x', 5000)}\""), HttpStatusCode.BadRequest, "payload.text"),
        new("body too large", c => Valid(c).Replace("\"hi\"", $"\"{new string('x', 100_000)}\""), HttpStatusCode.RequestEntityTooLarge, "body"),
        new("to is not an array", c => Valid(c).Replace("[\"bob\"]", "\"bob\""), HttpStatusCode.BadRequest, "to"),
        new("payload is not an object", c => $$"""{"conversation_id":"{{c}}","from":"alice","payload":"hi"}""", HttpStatusCode.BadRequest, "payload"),
        new("text is a number", c => Valid(c).Replace("\"hi\"", "42"), HttpStatusCode.BadRequest, "payload.text"),
        new("channels holds a number", c => Valid(c, ",\"channels\":[7]"), HttpStatusCode.BadRequest, "channels[0]"),
        new("unknown channel", c => Valid(c, ",\"channels\":[\"pigeon\"]"), HttpStatusCode.BadRequest, "channels[0]"),
        new("bad message_id", c => Valid(c, ",\"message_id\":\"has spaces!\""), HttpStatusCode.BadRequest, "message_id"),
        new("bad JSON", c => Valid(c)[..40], HttpStatusCode.BadRequest, "conversation_id"),
        new("not JSON at all", _ => "hello", HttpStatusCode.BadRequest, "body"),
        new("empty body", _ => "", HttpStatusCode.BadRequest, "body"),
        new("JSON null", _ => "null", HttpStatusCode.BadRequest, "body"),
        new("wrong content type", Valid_, HttpStatusCode.UnsupportedMediaType, "body", ContentType: "text/plain"),
        new("no token", Valid_, HttpStatusCode.Unauthorized, "Authorization", Token: () => ""),
        new("garbage token", Valid_, HttpStatusCode.Unauthorized, "Authorization", Token: () => "not.a.jwt"),
        new("token signed by another key", Valid_, HttpStatusCode.Unauthorized, "Authorization", Token: ForgedToken),
        new("alg none token", Valid_, HttpStatusCode.Unauthorized, "Authorization", Token: UnsignedToken),
    };

    private static string Valid_(string c) => Valid(c);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_message_is_refused_naming_the_field_and_changes_nothing(Case bad)
    {
        var before = KafkaProbe.RecordCount(world.Server.BootstrapServers, Topics.Messages);
        var client = bad.Sender == "carol" ? world.Carol : world.Alice;
        // Token cases use a client with no default Authorization header, which a request cannot remove.
        using var anonymous = new HttpClient { BaseAddress = world.Server.BaseAddress };
        var http = bad.Token is null ? client.Http : anonymous;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent(bad.Body(world.Conversation), Encoding.UTF8, bad.ContentType),
        };
        if (bad.Token?.Invoke() is { Length: > 0 } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await http.SendAsync(request);

        var problem = await ApiClient.ExpectAsync(response, bad.Status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem["errors"]?[bad.Field] is not null, $"problem names '{bad.Field}': {problem.ToJsonString()}");
        if (bad.Status == HttpStatusCode.Unauthorized) Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(before, KafkaProbe.RecordCount(world.Server.BootstrapServers, Topics.Messages));
        Assert.Empty(await world.Alice.HistoryAsync(world.Conversation));
    }

    [Fact]
    public async Task Bad_conversation_requests_name_the_field()
    {
        var cases = new (object Body, string Field)[]
        {
            (new { members = new[] { "bob" } }, "type"),
            (new { type = "triangle", members = new[] { "bob" } }, "type"),
            (new { type = "group" }, "members"),
            (new { type = "group", members = new[] { "bob", "nobody-here" } }, "members[1]"),
            (new { type = "direct", members = new[] { "bob", "carol" } }, "members"),
        };
        foreach (var (body, field) in cases)
        {
            var problem = await ApiClient.ExpectAsync(await world.Alice.PostJsonAsync("/v1/conversations", body), HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]?[field] is not null, $"problem names '{field}': {problem.ToJsonString()}");
        }
        var badQuery = await world.Alice.Http.GetAsync($"/v1/conversations/{world.Conversation}/messages?after_seq=minus-one");
        var queryProblem = await ApiClient.ExpectAsync(badQuery, HttpStatusCode.BadRequest);
        Assert.NotNull(queryProblem["errors"]?["after_seq"]);
    }

    private static string ForgedToken()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "chat",
            Audience = "chat-api",
            Subject = new ClaimsIdentity([new Claim("sub", "alice")]),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = "forged" }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static string UnsignedToken()
    {
        static string B64(string json) => Base64UrlEncoder.Encode(json);
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var claims = "{\"sub\":\"alice\",\"iss\":\"chat\",\"aud\":\"chat-api\",\"exp\":" + exp + "}";
        return $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64(claims)}.";
    }
}
