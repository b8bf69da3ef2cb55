using Chat.Connectors;
using Chat.Shared.Http;
using Chat.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddMessageStore();
builder.AddMetadataStore();
builder.AddConnectors();

var app = builder.Build();
app.UseServiceDefaults();
app.MapConnectors();
app.RunOrExplain();
