import * as T from '@chainrule/tensor';
import { chainruleTraining } from '/work/main/bench/lib/training-chainrule.ts';
const be: any = T.getBackend();
const counts = new Map<string, {n:number, ms:number}>();
for (const name of ['binary','unary','copy','matmul','fusedLstmCell','fusedLstmCellBackward','reduce','sum','axpy']) {
  const f = be[name]; if (typeof f !== 'function') continue;
  be[name] = function(...args: any[]) { const t = performance.now(); const r = f.apply(this, args); const dt = performance.now()-t;
    const key = name + ' ' + (typeof args[0]==='string'? args[0]+' ':'') + args.filter((a:any)=>a&&a.shape).map((a:any)=>'['+a.shape.join(',')+']'+(a.isContiguous?'':'s')).join(' ');
    const c = counts.get(key) ?? {n:0,ms:0}; c.n++; c.ms+=dt; counts.set(key,c); return r; };
}
const c = chainruleTraining(Number(process.argv[2] ?? 5), false, true, true);
for (let i = 0; i < 50; i++) c.fn();
counts.clear();
const N = 50; for (let i = 0; i < N; i++) c.fn();
const rows = [...counts.entries()].sort((a,b)=>b[1].ms-a[1].ms);
for (const [k,v] of rows.slice(0,40)) console.log((v.ms/N).toFixed(3).padStart(7),'ms', String(v.n/N).padStart(5), k);
