export default {
  target: { address: 'local', connectTimeout: '5s' },
  local: { engine: 'milvus', topology: 'cluster', proxies: 2, querynodes: 2, port: 19530, dataDir: '/work/headline/cluster' },
  reportDir: 'reports',
};
