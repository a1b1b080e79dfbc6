# Harness for the Ruby client openapi-generator makes from the spec (see ../run.py). Runs on
# Debian's ruby and ruby-typhoeus (the client's only gem). The parse is printed with the
# generated to_hash, which writes the API's names. Each example is reached through its base URL
# (`<mock>/__example/NAME`): the URL's path is the configuration's base_path.
require 'json'
require 'uri'
require 'plivo_mpc_gen'

CFG = JSON.parse(File.read(ARGV[0]))

def api(url)
  PlivoMpcGen::ParticipantsApi.new(client(url))
end

def client(url)
  uri = URI(url)
  conf = PlivoMpcGen::Configuration.new
  conf.scheme = uri.scheme
  conf.host = "#{uri.host}:#{uri.port}"
  conf.base_path = uri.path
  conf.server_index = nil
  conf.username = CFG['auth_id']
  conf.password = CFG['auth_token']
  PlivoMpcGen::ApiClient.new(conf)
end

def listing(api, by, mpc, call_uuid = nil)
  opts = call_uuid ? { call_uuid: call_uuid } : {}
  page = if by == 'name'
           api.list_participants_by_name(CFG['auth_id'], mpc, opts)
         else
           api.list_participants_by_uuid(CFG['auth_id'], mpc, opts)
         end
  JSON.parse(JSON.generate(page.to_hash))
end

def error_text(e)
  "#{e.class}: #{e.message}"[0, 500]
end

# An operationId as the generator names its method: startMpcByName -> start_mpc_by_name.
def snake(name)
  name.gsub(/(?<=[a-z0-9])(?=[A-Z])/, '_').downcase
end

# One operation of the spec, by send: the API class named by its tag, the method named by the
# operationId, the path values in order, and the body built from the example by the model class
# named by the requestBody schema (build_from_hash); an optional body in opts.
def call_operation(url, op, query)
  api = PlivoMpcGen.const_get(op['api']).new(client(url))
  args = op['path_params'].map { |_, value| value }
  opts = query.dup
  if op['body_model']
    body = PlivoMpcGen.const_get(op['body_model']).build_from_hash(op['body'])
    # An optional body goes in opts, under the schema's name in snake case.
    op['body_required'] ? args << body : opts[snake(op['body_model']).to_sym] = body
  end
  answer = api.send(snake(op['id']), *args, opts)
  answer.respond_to?(:to_hash) ? JSON.parse(JSON.generate(answer.to_hash)) : answer
end

# An exception as the runner compares it: its class, and the ApiError's status and JSON body.
def raised(e)
  out = { '$raises' => e.class.name, '$error' => error_text(e)[0, 300] }
  out['$status'] = e.code if e.respond_to?(:code) && e.code && e.code != 0
  begin
    out['$body'] = JSON.parse(e.response_body) if e.respond_to?(:response_body) && e.response_body
  rescue JSON::ParserError
    nil
  end
  out
end

if CFG.key?('operations')
  outcome = {}
  CFG['operations'].each do |op|
    # Once without query parameters, and once with each at its example in opts ("<id>+query").
    runs = [[op['id'], {}]]
    runs << ["#{op['id']}+query", op['query'].to_h { |name, value| [name.to_sym, value] }] unless op['query'].empty?
    runs.each do |key, query|
      outcome[key] = begin
        call_operation(CFG['requests_url'], op, query)
        'ok'
      rescue StandardError => e
        "error: #{error_text(e)}"[0, 500]
      end
    end
  end
  # Every response example: the parse written back with to_hash (the API's names).
  examples = CFG['operations'].to_h do |op|
    [op['id'], op['examples'].to_h do |ex|
      [ex['name'], begin
        call_operation(ex['url'], op, {})
      rescue StandardError => e
        raised(e)
      end]
    end]
  end
  puts JSON.generate('client' => "openapi-generator ruby (#{PlivoMpcGen::VERSION})", 'operations' => outcome,
                     'examples' => examples)
  exit 0
end

parses = {}
CFG['examples'].each do |name, url|
  client = api(url)
  both = {}
  [['by_name', 'name', CFG['mpc_name']], ['by_uuid', 'uuid', CFG['mpc_uuid']]].each do |key, by, mpc|
    both[key] = begin
      listing(client, by, mpc)
    rescue StandardError => e
      { '$error' => error_text(e) }
    end
  end
  parses[name] = both
end
calls = {}
client = api(CFG['requests_url'])
CFG['request_calls'].each do |call|
  calls[call['id']] = begin
    listing(client, call['by'], call['mpc'], call['call_uuid'])
    'ok'
  rescue StandardError => e
    "error: #{error_text(e)}"[0, 300]
  end
end
puts JSON.generate('client' => "openapi-generator ruby (#{PlivoMpcGen::VERSION})", 'parses' => parses, 'calls' => calls)
